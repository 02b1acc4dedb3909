"""The fashion vocabulary (ml/catalog/vocabulary.py): real catalog types, phrases before words."""

from __future__ import annotations

import pytest

from ml.catalog.dataset import load_styles
from ml.catalog.schema import ARTICLE, GENDER
from ml.catalog.vocabulary import (
    GENDERS,
    GIFT_TYPES,
    PLURAL_GARMENTS,
    SLANG,
    TYPES,
    VOCABULARY,
    article_types_in,
    gender_in,
    head_entry,
    label_heads,
    label_parts,
    phrases_in,
    thing_words,
    whole_label_nouns,
)
from ml.search.text import search_words

# The table's documented size: enough for the words sellers use, small enough to review by hand.
MIN_ENTRIES, MAX_ENTRIES = 100, 300


@pytest.fixture(scope="module")
def styles():
    return load_styles()


def test_every_article_type_is_the_catalogs(styles):
    catalog = set(styles[ARTICLE])
    assert {kind for kind in VOCABULARY.values() if kind not in catalog} == set()
    assert {kind for kinds in TYPES.values() for kind in kinds if kind not in catalog} == set()
    assert {word: kinds[0] for word, kinds in TYPES.items()} == dict(VOCABULARY)
    assert set(GIFT_TYPES) <= catalog
    assert {kind for kinds in PLURAL_GARMENTS.values() for kind in kinds} <= catalog


def test_every_gender_hint_is_the_catalogs(styles):
    assert set(GENDERS.values()) <= set(styles[GENDER])
    assert set(GENDERS) <= set(VOCABULARY)


def test_entries_are_lower_case_words_or_two_word_phrases():
    assert MIN_ENTRIES <= len(VOCABULARY) <= MAX_ENTRIES
    for word in VOCABULARY:
        assert word == word.lower().strip() and 1 <= len(word.split()) <= 2, word


@pytest.mark.parametrize(("text", "types"), [
    ("Olive PARKA for men", ["Jackets"]),
    ("printed palazzos", ["Trousers"]),
    ("tan suede moccasins", ["Casual Shoes"]),
    ("black leather boots", ["Casual Shoes", "Sports Shoes", "Heels", "Booties"]),
    ("round spectacle frames", ["Sunglasses"]),
    ("glossy top coat", ["Nail Polish"]),
    ("long wool coat", ["Jackets"]),
    ("cotton kurta pyjama set", ["Kurta Sets"]),
    ("grey joggers", ["Track Pants"]),
    ("navy track pants", ["Track Pants"]),
    ("cotton formal pant", ["Trousers"]),
    ("plain white shirt", []),
    ("men chappals", ["Sandals", "Flip Flops"]),
    ("satin lingerie set", ["Bra", "Briefs", "Camisoles", "Shapewear", "Baby Dolls"]),
    ("kurta pajama for boys", ["Kurta Sets"]),
    ("checked pyjama set", ["Night suits"]),
    ("boys kurta pajama set ethnic wear", ["Kurta Sets"]),  # the kind only where nothing narrower
    ("ethnic wear for women", ["Kurtas", "Kurta Sets", "Kurtis", "Sarees", "Lehenga Choli",
                               "Salwar and Dupatta", "Nehru Jackets"]),
    ("mens swimming trunks", ["Swimwear"]),
])
def test_article_types_in(text, types):
    assert article_types_in(text) == types


@pytest.mark.parametrize(("text", "types"), [
    ("men shades", ["Sunglasses"]),  # slang, alone
    ("nude eyeshadow palette 12 shades", []),  # a cosmetic's shades: its own noun is narrower
    ("men thermals", ["Innerwear Vests", "Tights", "Leggings"]),
    ("men thermal jacket", []),  # the catalog's jacket is narrower than "thermal"
    ("women formal blazer black office wear", []),
    ("office wear for women", ["Shirts", "Trousers", "Tops", "Blazers", "Kurtas"]),
    ("boys kurta pajama set ethnic wear", ["Kurta Sets"]),
])
def test_broad_and_slang_words_yield_to_a_catalog_noun(text, types):
    assert article_types_in(text, {"eyeshadow", "jacket", "blazer", "set", "shirt"}) == types


def test_slang_is_in_the_table():
    assert SLANG <= set(VOCABULARY)


def test_a_generic_noun_or_a_whole_kind_after_an_entry_leaves_it_the_head():
    nouns = {"set": frozenset({"Kurta Sets", "Clothing Set", "Accessory Gift Set"}),
             "kurta": frozenset({"Kurtas"}), "blazer": frozenset({"Blazers"})}
    assert head_entry("boys kurta pajama set ethnic wear", nouns) == ("kurta pajama", ())
    assert head_entry("anarkali kurta", nouns) == (None, ("kurta",))  # as generic as the entry
    assert head_entry("formal blazer office wear", nouns) == (None, ("blazer",))
    assert head_entry("office wear", nouns) == ("office wear", ())


def test_slang_heads_a_name_only_where_no_catalog_noun_is_named():
    nouns = {"eyeshadow", "sunglass"}
    assert head_entry("men black shades", nouns) == ("shade", ())
    assert head_entry("nude eyeshadow palette 12 shades", nouns) == (None, ("eyeshadow",))


def test_longest_phrase_first_then_reading_order():
    assert phrases_in("hoodie and cargo shorts") == ["cargo short", "hoodie"]
    assert article_types_in("hoodie and cargo shorts") == ["Shorts", "Sweatshirts"]


@pytest.mark.parametrize(("text", "types"), [
    ("women cotton printed saree with blouse piece", []),  # the blouse piece comes with it
    ("hoodie with cargo shorts", ["Sweatshirts"]),
    ("olive parka for men", ["Jackets"]),
    ("blouse for saree", ["Tops"]),
    ("with love parka", ["Jackets"]),  # a first word is no attachment
])
def test_what_comes_after_with_or_for_names_no_type(text, types):
    assert article_types_in(text) == types


def test_a_sleeve_after_its_length_is_no_noun():
    nouns = {"vest": frozenset({"Innerwear Vests"}), "sleeve": frozenset({"Tablet Sleeve"})}
    assert thing_words("men thermal vest full sleeves") == ["men", "thermal", "vest", "full"]
    assert thing_words("3/4 sleeve top") == ["3", "4", "top"]
    assert head_entry("men thermal vest full sleeve winter", nouns) == (None, ("vest",))
    assert head_entry("laptop sleeve 15 inch", nouns) == (None, ("sleeve",))
    assert article_types_in("men thermal vest half sleeve", nouns) == ["Innerwear Vests"]


def test_a_broad_word_names_the_type_the_catalog_noun_beside_it_heads():
    nouns = {"flat": frozenset({"Flats"}), "jacket": frozenset({"Jackets"})}
    assert TYPES["kolhapuri"] == ("Sandals", "Flats")
    assert article_types_in("women kolhapuri flats leather tan", nouns) == ["Flats"]
    assert article_types_in("women kolhapuri", nouns) == ["Sandals", "Flats"]
    assert article_types_in("men thermal jacket", nouns) == []  # none of its types


def test_gender_only_where_the_word_says_it():
    assert gender_in("red silk lehenga") == "Women"
    assert gender_in("cream sherwani") == "Men"
    assert gender_in("olive parka") is None


@pytest.mark.parametrize(("text", "head"), [
    ("womens winter coat with belt grey", ("coat", ())),
    ("men football cleats", ("cleat", ("football",))),
    ("olive parka jacket", (None, ("jacket",))),
    ("slim fit chinos for men", ("chino", ())),
    ("plain white shirt", (None, ("shirt",))),
])
def test_head_entry_is_the_last_noun_before_with_or_for(text, head):
    assert head_entry(text, {"jacket", "belt", "shirt", "football", "shoe"}) == head


def test_label_heads_are_each_parts_last_noun_and_the_joined_label():
    heads = label_heads(("Casual Shoes", "Face Wash and Cleanser", "Tshirts", "Night suits", "Suits",
                         "Ties", "Accessory Gift Set"))
    assert heads["shoe"] == {"Casual Shoes"}
    assert heads["wash"] == heads["cleanser"] == {"Face Wash and Cleanser"}
    assert heads["tshirt"] == {"Tshirts"}
    assert heads["suit"] == {"Night suits", "Suits"}
    assert heads["nightsuit"] == {"Night suits"}
    assert "face" not in heads and "night" not in heads
    assert heads["tie"] == heads["ty"] == {"Ties"}  # a short "-ies" plural: singular() says "ty"
    assert heads["set"] == {"Accessory Gift Set"} and "gift" not in heads


def test_the_search_reads_the_catalogs_label_heads_alike(styles):
    """The categorizer's head-noun rule and the search's query reading share label_heads:
    on the catalog's labels, the search's word splitting (hyphens joining) changes nothing
    (label_heads adds "tie", the singular a seller writes of "Ties")."""
    types = tuple(sorted(set(styles[ARTICLE])))
    searched: dict[str, set[str]] = {}
    for kind in types:
        for part in label_parts(kind):
            words = search_words(part)
            searched.setdefault(words[-1], set()).add(kind)
            searched.setdefault(search_words("".join(words))[0], set()).add(kind)
    searched["tie"] = {kind for kind in types if kind.split()[0] == "Ties"}
    assert dict(label_heads(types)) == {noun: frozenset(kinds) for noun, kinds in searched.items()}


def test_an_entry_that_is_the_catalogs_label_noun_for_other_types_yields_to_a_catalog_noun():
    """"pant" is Trousers to a seller but the catalog's noun for Track and Lounge Pants: beside
    a catalog noun (a tracksuit's jacket) it names no Trousers; alone it still does."""
    from ml.catalog.vocabulary import article_types_in, label_heads

    nouns = label_heads(("Track Pants", "Lounge Pants", "Trousers", "Jackets", "Tracksuits"))
    assert article_types_in("tracksuit jacket and pant set", nouns) == []
    assert article_types_in("tracksuit jacket and pant set") == ["Trousers"]  # no nouns given
    assert article_types_in("mens formal pant", nouns) == ["Trousers"]


def test_whole_label_nouns_are_the_labels_of_two_or_more_words_joined():
    whole = whole_label_nouns(("Sports Sandals", "Face Scrub and Exfoliator", "Flats", "Tshirts"))
    assert whole == {"sportsandal", "facescrub"}
    assert whole <= set(label_heads(("Sports Sandals", "Face Scrub and Exfoliator", "Flats", "Tshirts")))
