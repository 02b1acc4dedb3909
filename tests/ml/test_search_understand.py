"""The query reader (ml.search.understand) fitted on a real sample of the catalog."""

from __future__ import annotations

import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from ml.catalog.dataset import load_styles
from ml.catalog.schema import NAME
from ml.search.understand import QueryUnderstanding
from tests.conftest import fashion_data

SAMPLE = 6000  # products: enough for the common words, brands and colours, fitted in a second


@pytest.fixture(scope="module")
def styles():
    styles = load_styles(fashion_data())
    return styles.sample(n=SAMPLE, random_state=0)


@pytest.fixture(scope="module")
def reader(styles):
    return QueryUnderstanding().fit(styles)


def top_type(parsed) -> str:
    return next(iter(parsed.types), "")


@pytest.mark.parametrize(("typed", "meant"), [("jeens", "jean"), ("tshrt", "tshirt"), ("walet", "wallet")])
def test_a_misspelt_word_is_read_as_the_catalog_word(reader, typed, meant):
    parsed = reader.parse(typed)
    assert parsed.corrections and parsed.corrections[0][1] == meant
    assert parsed.corrected == meant and not parsed.exact
    assert meant in [term.word for term in parsed.terms]


def test_a_catalog_word_is_never_corrected(reader):
    parsed = reader.parse("jeans")
    assert parsed.corrections == () and parsed.exact and parsed.corrected == ""


def test_spacing_does_not_matter(reader):
    together, apart, hyphen = reader.parse("tshirt"), reader.parse("t shirt"), reader.parse("t-shirts")
    assert together.terms == apart.terms == hyphen.terms
    assert top_type(together) == top_type(apart) == "Tshirts"
    assert [t.word for t in reader.parse("sportsshoes").terms] == ["sport", "shoe"]


def test_stop_words_and_gender_words_are_not_terms(reader):
    parsed = reader.parse("kurta for men")
    assert [t.word for t in parsed.terms] == ["kurta"]
    assert parsed.genders == ("Men", "Unisex")
    assert top_type(parsed) == "Kurtas"
    assert reader.parse("dresses for girls").genders == ("Girls",)


def test_the_query_type_wins_over_a_word_of_the_name(reader):
    assert top_type(reader.parse("women floral summer dress")) == "Dresses"
    assert top_type(reader.parse("reebok running shoes")) == "Sports Shoes"


def test_colour_words_and_full_shades(reader):
    blue = reader.parse("blue shirt").colours
    assert "Blue" in blue and "Navy Blue" in blue
    assert reader.parse("navy blue shirt").colours == ("Navy Blue",)
    assert [t.word for t in reader.parse("blue shirt").terms] == ["shirt"]


def test_brands_are_read_from_the_start_of_names(reader, styles):
    nike = reader.parse("nike tshirts")
    assert nike.brand == "Nike" and [t.word for t in nike.terms] == ["tshirt"]
    assert reader.parse("shirt").brand == ""


def test_an_unknown_word_is_reported(reader):
    parsed = reader.parse("zzqxv")
    assert parsed.unknown == ("zzqxv",) and not parsed.asks_for_something


def test_saved_and_loaded_reader_reads_the_same(reader, tmp_path):
    reader.save(tmp_path)
    loaded = QueryUnderstanding.load(tmp_path)
    for query in ("jeens", "nike tshirt for men", "navy blue shirt", "t shirt"):
        assert loaded.parse(query) == reader.parse(query)


QUERIES = ("jeens", "nike tshirt for men", "navy blue shirt", "t shirt", "sportsshoes", "zzqxv")


def test_the_reader_is_a_scikit_learn_estimator(reader, styles):
    assert reader.get_params() == {"encoder": None, "lexicon_words": None}
    fresh = clone(reader)
    assert fresh.get_params() == reader.get_params()
    with pytest.raises(NotFittedError):
        fresh.parse("jeans")
    assert fresh.set_params(lexicon_words=["hoody"]).get_params()["lexicon_words"] == ["hoody"]
    assert reader.get_params()["lexicon_words"] is None, "set_params on a clone leaves the original"
    refitted = clone(reader).fit(styles)
    assert [refitted.parse(q) for q in QUERIES] == [reader.parse(q) for q in QUERIES]


def test_an_unfitted_reader_is_not_saved(tmp_path):
    with pytest.raises(NotFittedError):
        QueryUnderstanding().save(tmp_path)


@pytest.fixture(scope="module")
def semantic_reader(styles, onnx_text_encoder):
    """With the sentence encoder (its ONNX export, as train_models builds the search's reader;
    exported once per run), over a small lexicon of words this sample never uses."""
    outside = ["raincoats", "hoody"]
    never_named = styles[~styles["name"].str.contains("raincoat|hood", case=False)]
    return QueryUnderstanding(encoder=onnx_text_encoder, lexicon_words=outside).fit(never_named)


def test_a_word_the_catalog_never_uses_is_read_semantically(semantic_reader, tmp_path):
    for word, wanted in (("raincoat", {"Rain Jacket", "Jackets"}), ("hoody", {"Sweatshirts"})):
        assert semantic_reader.df_.get(word, 0) == 0, "the word must be outside the catalog sample"
        parsed = semantic_reader.parse(word)
        assert parsed.semantic == (word,) and not parsed.exact
        assert top_type(parsed) in wanted, parsed.types
    semantic_reader.save(tmp_path)
    loaded = QueryUnderstanding.load(tmp_path)
    assert loaded.parse("raincoat").types == semantic_reader.parse("raincoat").types


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("blazer", {"Blazers"}),  # the type's own word, though Nike Blazer shoes use it too
        ("shoes", {"Casual Shoes", "Sports Shoes", "Formal Shoes"}),  # not Shoe Accessories
        ("casual shoes", {"Casual Shoes"}),  # an earlier word narrows the head
        ("formal shirt", {"Shirts"}),  # ... or only modifies it
        ("sports bra", {"Bra"}),
        ("boxer shorts", {"Boxers"}),  # a word heading fewer types replaces the head
        ("leggings for kurti", {"Leggings"}),  # what follows "for" never heads
        ("joggers", {"Track Pants"}),  # the shared vocabulary (ml.catalog.vocabulary)
        ("parka", {"Jackets"}),  # never "corrected" into a catalog word (park)
    ],
)
def test_the_types_a_query_names(reader, query, named):
    assert set(reader.parse(query).named) == named


def test_a_typo_of_a_type_word_is_read_as_it(reader):
    assert reader.parse("legins").named == ("Leggings",)  # not the brand Levis
    assert reader.parse("high heals").named == ("Heels",)


@pytest.mark.parametrize(
    ("query", "low", "high"),
    [("kurti under 500", None, 500), ("shoes below rs 1000", None, 1000), ("watch above 2000", 2000, None),
     ("tshirt", None, None)],
)
def test_a_stated_price_is_read_and_is_no_word(reader, query, low, high):
    parsed = reader.parse(query)
    assert (parsed.min_price, parsed.max_price) == (low, high)
    assert not any(term.word.isdigit() for term in parsed.terms)
    assert parsed.asks_for_something


def test_a_query_of_nothing_known_asks_for_nothing(reader):
    parsed = reader.parse("xyzqwerty")
    assert not parsed.asks_for_something and parsed.named == () and parsed.unknown == ("xyzqwerty",)


def test_a_word_for_clothes_asks_for_apparel_and_names_no_type(reader):
    parsed = reader.parse("sports wear")
    assert parsed.apparel and "wear" not in [term.word for term in parsed.terms]
    assert not reader.parse("gym bag").apparel


def test_a_vocabulary_phrase_for_a_kind_of_clothes_names_its_types(reader):
    parsed = reader.parse("gym wear")
    assert parsed.apparel and "wear" not in [term.word for term in parsed.terms]
    assert {"Track Pants", "Tshirts"} & set(parsed.named)
    assert {"Kurtas", "Sarees"} <= set(reader.parse("wedding wear men").named)  # not "no clothing for men"


def test_a_named_types_relatives_and_the_gender_its_words_imply(reader):
    """"kurta pajama" names Kurta Sets, whose relative is Kurtas (its label's other word heads
    it), and implies men as "for men" would (ml.catalog.vocabulary.GENDERS): the search shows
    men's kurtas when the catalog has no men's kurta sets (search.query); a stated gender wins."""
    parsed = reader.parse("kurta pajama")
    assert parsed.named == ("Kurta Sets",) and parsed.related == ("Kurtas",)
    assert parsed.genders == ("Men", "Unisex")
    assert reader.parse("kurta pajama for boys").genders == ("Boys",)
    assert reader.parse("jeans").related == () and reader.parse("jeans").genders == ()


def test_formal_pants_are_trousers(reader):
    """The catalog's own "pant" heads Track and Lounge Pants; the vocabulary's "formal pant" is
    a trouser."""
    assert reader.parse("formal pants women").named == ("Trousers",)


def test_a_word_one_letter_off_a_common_word_is_fixed_not_split(reader):
    """"fasttrack" is Fastrack misspelt, not "fast track": the fixed word is far commoner than
    the rarer half of the split; "sportsshoes" still splits."""
    parsed = reader.parse("fasttrack watches")
    assert ("fasttrack", "fastrack") in parsed.corrections and parsed.brand.lower() == "fastrack"
    assert [t.word for t in reader.parse("sportsshoes").terms] == ["sport", "shoe"]


def test_a_word_of_a_category_phrase_is_read_as_the_category_not_a_colour(reader):
    """The catalog's colours include Skin and Cream; in "skin care" (a vocabulary phrase) and
    "eye cream" (a label's) the word is the category, elsewhere still a colour."""
    assert reader.parse("cream kurta").colour_words == ("cream",)
    face_cream = reader.parse("face cream")
    assert face_cream.colours == () and face_cream.named == ("Face Moisturisers",)
    skin_care = reader.parse("skin care")
    assert skin_care.colours == () and {"Face Moisturisers", "Sunscreen"} <= set(skin_care.named)
    assert reader.parse("eye cream").colours == () and reader.parse("eye cream").named == ("Eye Cream",)
    assert reader.parse("bb cream").named == ("Foundation and Primer",)


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("shades for men", {"Sunglasses"}),  # slang (ml.catalog.vocabulary.SLANG), alone
        ("lipstick shades", {"Lipstick"}),  # ... yields to a word naming a type
        ("thermals", {"Innerwear Vests", "Tights", "Leggings"}),
        ("thermal jacket", {"Jackets"}),
    ],
)
def test_slang_and_broad_words_name_their_types_only_alone(reader, query, named):
    assert set(reader.parse(query).named) == named


def test_head_siblings_share_the_label_s_last_noun(reader):
    labels = set(reader.types_)
    bags = {t for t in labels if t.endswith(" Bag")}
    assert len(bags) >= 2, "the sample has two kinds of bag"
    some = sorted(bags)[0]
    assert set(reader.head_siblings([some])) >= bags - {some}
    assert some not in reader.head_siblings([some])
    assert not set(reader.head_siblings([some])) & {"Handbags", "Tshirts"}


@pytest.mark.parametrize(("typed", "meant"), [("neckless", "necklace"), ("nekless", "necklace")])
def test_a_word_spelled_by_ear_is_read_as_the_catalog_word_that_sounds_the_same(reader, typed, meant):
    """Further than two edits from any catalog word, a word is fixed to the type word with its
    sound (metaphone) and first letter."""
    parsed = reader.parse(typed)
    assert parsed.corrections == ((typed, meant),)
    assert parsed.named == ("Necklace and Chains",)


def test_a_colour_typed_in_a_garment_s_plural_reads_as_the_garment(reader):
    """"khakis" are trousers (ml.catalog.vocabulary.PLURAL_GARMENTS), alone or with a gender or
    another colour; the singular, or beside another noun, stays the colour."""
    for query in ("khakis", "khakis for men", "black khakis"):
        parsed = reader.parse(query)
        assert parsed.named == ("Trousers",) and "Khaki" not in parsed.colours, query
    assert reader.parse("khakis for men").genders == ("Men", "Unisex")
    assert reader.parse("khaki").colours == ("Khaki",)
    khaki_shirt = reader.parse("khaki shirt")
    assert khaki_shirt.colours == ("Khaki",) and khaki_shirt.named == ("Shirts",)


def test_a_gift_names_the_giftable_types_for_whom_it_is_for(reader):
    """"gift for him": every giftable type (ml.catalog.vocabulary.GIFT_TYPES) for men, not the
    catalog's free gifts; a word naming what the gift is, or "gift set", narrows it."""
    for query, genders in (("xmas gift for him", ("Men", "Unisex")), ("gift for her", ("Women", "Unisex")),
                           ("birthday present for husband", ("Men", "Unisex"))):
        parsed = reader.parse(query)
        assert {"Watches", "Wallets", "Perfume and Body Mist"} <= set(parsed.named), query
        assert "Free Gifts" not in parsed.named and parsed.genders == genders, query
    gift_sets = {"Accessory Gift Set", "Fragrance Gift Set", "Jewellery Set"}
    assert set(reader.parse("gift set").named) <= gift_sets
    assert reader.parse("watch gift for wife").named == ("Watches",)


@pytest.mark.parametrize(
    ("query", "named", "genders"),
    [
        ("bathroom slippers", {"Flip Flops"}, ()),
        ("dhoti", {"Kurta Sets", "Lounge Pants"}, ("Men", "Unisex")),
        ("tuxedo", {"Suits", "Blazers"}, ("Men", "Unisex")),
    ],
)
def test_vocabulary_words_the_catalog_lacks(reader, query, named, genders):
    parsed = reader.parse(query)
    assert set(parsed.named) <= named and parsed.named and parsed.genders == genders


def test_yoga_pants_are_women_s_stretch_pants(reader):
    parsed = reader.parse("yoga pants")
    assert parsed.genders == ("Women", "Unisex")
    assert set(parsed.named) <= {"Leggings", "Track Pants", "Tights", "Capris"} and parsed.named


def test_a_colour_inside_another_named_beside_it_is_its_shade(reader):
    """"olive green" is olive (the green family holds Olive); colours apart are both kept."""
    olive = reader.parse("olive green trousers")
    assert olive.colours == ("Olive",) and olive.named == ("Trousers",)
    assert {"Black", "White"} <= set(reader.parse("black and white shirt").colours)
    assert "Navy Blue" in reader.parse("green and blue shirt").colours


def test_a_gender_is_fixed_from_one_edit_only(reader):
    """"woolen" lies two edits from "women": read so, "woolen cap" filtered out every man's cap."""
    assert reader.parse("woolen cap").genders == ()
    assert reader.parse("womn tshirt").genders == ("Women", "Unisex")


def test_two_neighbouring_letters_swapped_are_one_edit(reader):
    """"sheos" (sheo) is one swap from shoe: read as two edits, it went to a brand one letter off."""
    assert reader.parse("sheos").corrected == "shoe"


def test_a_word_typed_with_an_ending_is_read_as_that_word(styles):
    """"woolen" lies two edits from wool and from the commoner woven: wool is what was typed."""
    wool = styles.head(3).assign(**{NAME: ["Men Grey Wool Cap", "Women Wool Scarf", "Wool Blend Socks"]})
    reader = QueryUnderstanding().fit(pd.concat([styles, wool]))
    assert reader.df_["woven"] > reader.df_["wool"] >= 3
    assert reader.parse("woolen cap").corrected == "wool cap"
