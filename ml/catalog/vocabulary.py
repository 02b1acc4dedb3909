"""The fashion words sellers and shoppers use that the catalog does not: each -> its article type.

The catalog (Fashion Product Images, ``styles.csv``) names its products in a house style:
"Nike Men Black Jacket", "Biba Women Red Kurta", "Lakme Nail Polish". Sellers and shoppers
write "olive parka", "printed palazzo", "tan moccasins", "matte nail paint", "sherwani for
groom" -- words its ~40k names never (or only a handful of times) use, and that neither TF-IDF
nor a nearest catalog name can read reliably. This table says, from general fashion knowledge
(never copied from an evaluation row), which of the catalog's own article types each word
belongs to, so that the categorizer and the shop's search read them alike.

Entries are lower-case words or two-word phrases, in their singular (each word is compared
after :func:`ml.catalog.text.singular`, so "palazzos", "Boots" and "PALAZZO" all match), and
where the catalog lacks the type itself (boots, spectacles, sherwani), the nearest type it has:
boots are Casual Shoes (the catalog files most of its few boots there; sports boots, heeled
boots and booties are its other types for them), spectacle frames are Sunglasses
(its only eyewear type), a sherwani is sold as a set, Kurta Sets. A two-word phrase wins over
its words: "top coat" is Nail Polish, "coat" alone is Jackets; "kurta pyjama" is Kurta Sets,
"kurta" alone the catalog's own Kurtas. Words the catalog already uses for one type ("tote",
"sling", "aviator", "wedge", "slipper") are left to it.

:data:`GENDERS` holds a gender only where the word itself says it ("lehenga": Women,
"sherwani": Men); most garments are worn by anyone.

A word for a whole kind of clothing ("gym wear", "nightwear", "lingerie", "chappal") means
several types: :data:`TYPES` holds them all, likeliest first, and :data:`VOCABULARY` that first
one (what the categorizer's vocabulary copies are made of).

Public interface (the categorizer and ``ml.search`` code against exactly this):
:data:`VOCABULARY`, :data:`TYPES`, :data:`GENDERS`, :data:`SLANG`, :data:`GIFT_WORDS`,
:data:`GIFT_TYPES`, :data:`PLURAL_GARMENTS`, :data:`PURPOSE_WORDS`, :func:`article_types_in`,
:func:`phrases_in`, :func:`head_entry`, :func:`label_heads`, :func:`label_parts`,
:func:`thing_words`, :func:`before_purpose`, :func:`whole_label_nouns`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from functools import lru_cache
from types import MappingProxyType

from ml.catalog.text import singular, singular_words

# The catalog's article types named here (checked against styles.csv by
# tests/ml/catalog/test_vocabulary.py).
_JACKETS, _SWEATERS, _SWEATSHIRTS, _TSHIRTS, _TOPS, _SHIRTS = (
    "Jackets", "Sweaters", "Sweatshirts", "Tshirts", "Tops", "Shirts")
_TROUSERS, _TRACK_PANTS, _SHORTS, _SKIRTS, _DRESSES = (
    "Trousers", "Track Pants", "Shorts", "Skirts", "Dresses")
_CASUAL, _FORMAL, _SPORTS, _HEELS, _FLATS, _SANDALS, _FLIP_FLOPS = (
    "Casual Shoes", "Formal Shoes", "Sports Shoes", "Heels", "Flats", "Sandals", "Flip Flops")
_EYEWEAR = "Sunglasses"  # the catalog's one eyewear type: frames and spectacles go here too
_WOMEN, _MEN = "Women", "Men"
# Words for a whole kind of clothing: the catalog types a shopper asking for it means.
_GYM_WEAR = (_TRACK_PANTS, _TSHIRTS, _SHORTS, "Tracksuits", _SWEATSHIRTS, "Tights")
_WINTER_WEAR = (_JACKETS, _SWEATERS, _SWEATSHIRTS)
_NIGHTWEAR = ("Night suits", "Nightdress", "Lounge Pants", "Baby Dolls")
_LOUNGEWEAR = ("Lounge Pants", "Lounge Shorts", "Lounge Tshirts", "Night suits")
_LINGERIE = ("Bra", "Briefs", "Camisoles", "Shapewear", "Baby Dolls")
_INNERWEAR = ("Briefs", "Bra", "Trunk", "Boxers", "Innerwear Vests", "Camisoles", "Shapewear")
_ETHNIC_WEAR = ("Kurtas", "Kurta Sets", "Kurtis", "Sarees", "Lehenga Choli", "Salwar and Dupatta",
                "Nehru Jackets")
_OFFICE_WEAR = (_SHIRTS, _TROUSERS, _TOPS, "Blazers", "Kurtas")
_BEACH_WEAR = ("Swimwear", _SHORTS, _FLIP_FLOPS)
_SKIN_CARE = ("Face Moisturisers", "Face Wash and Cleanser", "Sunscreen", "Toner", "Face Serum and Gel",
              "Mask and Peel", "Face Scrub and Exfoliator", "Eye Cream", "Body Lotion")

# (word or two-word phrase, article type -- or the several types a word for a whole kind of
# clothing means, likeliest first --, gender only if the word itself implies it)
_ENTRIES: tuple[tuple[str, str | tuple[str, ...], str | None], ...] = (
    # ---- outerwear
    ("parka", _JACKETS, None),
    ("anorak", _JACKETS, None),
    ("windcheater", _JACKETS, None),
    ("windbreaker", _JACKETS, None),
    ("bomber", _JACKETS, None),
    ("puffer", _JACKETS, None),
    ("gilet", _JACKETS, None),
    ("coat", _JACKETS, None),
    ("overcoat", _JACKETS, None),
    ("trench", _JACKETS, None),
    ("pea coat", _JACKETS, None),
    ("shacket", _JACKETS, None),
    ("winter wear", _WINTER_WEAR, None),
    ("winterwear", _WINTER_WEAR, None),
    ("raincoat", "Rain Jacket", None),
    ("rain coat", "Rain Jacket", None),
    # a tuxedo is a dinner suit; its jacket alone is sold as a blazer
    ("tuxedo", ("Suits", "Blazers"), _MEN),
    ("bandhgala", "Blazers", _MEN),
    ("jodhpuri", "Blazers", _MEN),
    # ---- knitwear and sweatshirts
    ("pullover", _SWEATERS, None),
    ("jumper", _SWEATERS, None),
    ("cardigan", _SWEATERS, None),
    ("turtleneck", _SWEATERS, None),
    ("hoodie", _SWEATSHIRTS, None),
    # thermals: warm underwear worn under clothes, a vest on top and long johns below (the
    # catalog's Tights and Leggings); "thermal" before a catalog noun only says how warm it is
    # ("thermal jacket"): see article_types_in
    ("thermal", ("Innerwear Vests", "Tights", "Leggings"), None),
    # ---- tops
    ("tee", _TSHIRTS, None),
    ("henley", _TSHIRTS, None),
    ("blouse", _TOPS, None),
    ("crop top", _TOPS, None),
    ("tank top", _TOPS, None),
    ("tank", _TOPS, None),
    ("peplum", _TOPS, None),
    ("bodysuit", _TOPS, None),
    ("overshirt", _SHIRTS, None),
    ("polo shirt", _TSHIRTS, None),  # the catalog files its polos as T-shirts
    ("singlet", "Innerwear Vests", None),
    ("gym wear", _GYM_WEAR, None),
    ("activewear", _GYM_WEAR, None),
    ("sportswear", _GYM_WEAR, None),
    ("athleisure", _GYM_WEAR, None),
    ("office wear", _OFFICE_WEAR, None),
    ("work wear", _OFFICE_WEAR, None),
    ("beach wear", _BEACH_WEAR, None),
    ("beachwear", _BEACH_WEAR, None),
    ("kimono", "Shrug", None),
    ("bolero", "Shrug", None),
    # ---- Indian wear
    ("kameez", "Kurtas", _WOMEN),
    ("anarkali", "Kurtas", _WOMEN),
    ("kurta pyjama", "Kurta Sets", _MEN),
    ("kurta pajama", "Kurta Sets", _MEN),
    ("salwar suit", "Kurta Sets", _WOMEN),
    ("salwar kameez", "Kurta Sets", _WOMEN),
    ("sherwani", "Kurta Sets", _MEN),
    ("pathani", "Kurta Sets", _MEN),  # a pathani (suit): long kurta and salwar, sold as a set
    # a draped lower garment: sold with its kurta as a set, else the catalog's nearest loose
    # men's lower garment
    ("dhoti", ("Kurta Sets", "Lounge Pants"), _MEN),
    ("ethnic wear", _ETHNIC_WEAR, None),
    ("festive wear", _ETHNIC_WEAR, None),
    ("traditional wear", _ETHNIC_WEAR, None),
    ("wedding wear", _ETHNIC_WEAR, None),  # an Indian wedding's guests dress ethnic
    ("lehenga", "Lehenga Choli", _WOMEN),
    ("ghagra", "Lehenga Choli", _WOMEN),
    ("chaniya choli", "Lehenga Choli", _WOMEN),
    ("choli", "Lehenga Choli", _WOMEN),
    ("sari", "Sarees", _WOMEN),
    ("odhni", "Dupatta", _WOMEN),
    ("chunni", "Dupatta", _WOMEN),
    ("shawl", "Stoles", None),
    ("pashmina", "Stoles", None),
    # ---- bottoms
    ("palazzo", _TROUSERS, _WOMEN),
    ("chino", _TROUSERS, None),
    ("culotte", _TROUSERS, _WOMEN),
    ("slack", _TROUSERS, None),
    ("pant", _TROUSERS, None),
    ("formal pant", _TROUSERS, None),  # not the catalog's Track or Lounge Pants
    ("cargo", _TROUSERS, None),
    ("lounge pant", "Lounge Pants", None),
    ("pyjama pant", "Lounge Pants", None),
    ("jogger", _TRACK_PANTS, None),
    # stretch pants for yoga and workouts, a women's garment: the catalog's leggings, tights,
    # track pants and capris
    ("yoga pant", ("Leggings", _TRACK_PANTS, "Tights", "Capris"), _WOMEN),
    ("sweatpant", _TRACK_PANTS, None),
    ("trackpant", _TRACK_PANTS, None),
    ("track pant", _TRACK_PANTS, None),
    ("cargo short", _SHORTS, None),
    ("hot pant", _SHORTS, None),
    ("bermuda", _SHORTS, None),
    ("skort", _SKIRTS, None),
    ("miniskirt", _SKIRTS, None),
    ("mini skirt", _SKIRTS, None),
    ("maxi skirt", _SKIRTS, None),
    ("three fourth", "Capris", None),
    ("pantyhose", "Stockings", _WOMEN),
    # ---- dresses and one-pieces
    ("gown", _DRESSES, None),
    ("frock", _DRESSES, None),
    ("pinafore", _DRESSES, None),
    ("sundress", _DRESSES, None),
    ("bodycon", _DRESSES, None),
    ("maxi", _DRESSES, None),
    ("playsuit", "Jumpsuit", None),
    ("dungaree", "Jumpsuit", None),
    ("overall", "Jumpsuit", None),
    ("co ord", "Clothing Set", None),
    ("swimsuit", "Swimwear", None),
    ("swimming costume", "Swimwear", None),
    ("swim trunk", "Swimwear", _MEN),
    ("swimming trunk", "Swimwear", _MEN),  # the catalog's "trunks" alone are innerwear (Trunk)
    ("swim short", "Swimwear", _MEN),
    ("bikini set", "Swimwear", _WOMEN),  # the catalog's "bikini" alone is a brief's cut (Briefs)
    ("bikini top", "Swimwear", _WOMEN),
    ("bikini", "Swimwear", _WOMEN),
    ("monokini", "Swimwear", _WOMEN),
    # ---- innerwear and nightwear
    ("panty", "Briefs", _WOMEN),
    ("knicker", "Briefs", _WOMEN),
    ("lingerie", _LINGERIE, _WOMEN),
    ("brassiere", "Bra", _WOMEN),
    ("bralette", "Bra", _WOMEN),
    ("undershirt", "Innerwear Vests", None),
    ("undergarment", _INNERWEAR, None),
    ("banian", "Innerwear Vests", _MEN),
    ("baniyan", "Innerwear Vests", _MEN),
    ("banyan", "Innerwear Vests", _MEN),
    ("tummy tucker", "Shapewear", None),
    ("nighty", "Nightdress", _WOMEN),
    ("nightie", "Nightdress", _WOMEN),
    ("nightgown", "Nightdress", _WOMEN),
    ("night gown", "Nightdress", _WOMEN),
    ("pj set", "Night suits", None),
    ("pyjama set", "Night suits", None),
    ("pajama set", "Night suits", None),
    ("pajama pant", "Lounge Pants", None),
    ("pyjama", ("Lounge Pants", "Night suits"), None),
    ("pajama", ("Lounge Pants", "Night suits"), None),
    ("sleepwear", _NIGHTWEAR, None),
    ("nightwear", _NIGHTWEAR, None),
    ("night wear", _NIGHTWEAR, None),
    ("loungewear", _LOUNGEWEAR, None),
    ("lounge wear", _LOUNGEWEAR, None),
    ("bathrobe", "Bath Robe", None),
    ("dressing gown", "Bath Robe", None),
    # ---- footwear
    ("boot", (_CASUAL, _SPORTS, _HEELS, "Booties"), None),
    ("sneaker", _CASUAL, None),
    ("loafer", _CASUAL, None),
    ("moccasin", _CASUAL, None),
    ("espadrille", _CASUAL, None),
    ("boat shoe", _CASUAL, None),
    ("slip on", _CASUAL, None),
    ("mojari", _CASUAL, None),
    ("derby", _FORMAL, None),
    ("brogue", _FORMAL, None),
    ("oxford shoe", _FORMAL, None),
    ("monk strap", _FORMAL, None),
    ("trainer", _SPORTS, None),
    ("running shoe", _SPORTS, None),
    ("gym shoe", _SPORTS, None),
    ("training shoe", _SPORTS, None),
    ("cleat", _SPORTS, None),
    ("football boot", _SPORTS, None),
    ("stiletto", _HEELS, _WOMEN),
    ("pump", _HEELS, _WOMEN),
    ("ballerina", _FLATS, _WOMEN),
    ("ballet flat", _FLATS, _WOMEN),
    ("belly", _FLATS, _WOMEN),
    ("jutti", _FLATS, None),
    ("kolhapuri", (_SANDALS, _FLATS), None),
    ("chappal", (_SANDALS, _FLIP_FLOPS), None),
    ("hawai", _FLIP_FLOPS, None),
    ("gladiator", _SANDALS, None),
    ("clog", _SANDALS, None),
    ("slide", _FLIP_FLOPS, None),
    ("bathroom slipper", _FLIP_FLOPS, None),  # the rubber slippers worn indoors
    ("bath slipper", _FLIP_FLOPS, None),
    ("house slipper", _FLIP_FLOPS, None),
    ("slider", _FLIP_FLOPS, None),  # sliders: slides
    # ---- eyewear
    ("spectacle", _EYEWEAR, None),
    ("specs", _EYEWEAR, None),
    ("eyeglass", _EYEWEAR, None),
    ("eyewear", _EYEWEAR, None),
    ("frame", _EYEWEAR, None),
    ("goggle", _EYEWEAR, None),
    # "shades" is shoppers' word for sunglasses; the catalog's "shade" is a cosmetic's colour
    # ("eyeshadow palette 12 shades"), which its own noun (eyeshadow) heads
    ("shade", _EYEWEAR, None),
    # ---- bags, wallets, watches
    ("satchel", "Handbags", None),
    ("hobo", "Handbags", None),
    ("shoulder bag", "Handbags", None),
    ("potli", "Clutches", _WOMEN),
    ("wristlet", "Clutches", None),
    ("bagpack", "Backpacks", None),
    ("school bag", "Backpacks", None),
    ("haversack", "Backpacks", None),
    ("gym bag", "Duffel Bag", None),
    ("holdall", "Duffel Bag", None),
    ("bum bag", "Waist Pouch", None),
    ("fanny pack", "Waist Pouch", None),
    ("belt bag", "Waist Pouch", None),
    ("passport cover", "Travel Accessory", None),
    ("passport holder", "Travel Accessory", None),
    ("travel bag", "Duffel Bag", None),
    ("suitcase", "Trolley Bag", None),
    ("luggage", "Trolley Bag", None),
    ("briefcase", "Laptop Bag", None),
    ("card holder", "Wallets", None),
    ("billfold", "Wallets", None),
    ("money clip", "Wallets", None),
    ("smartwatch", "Watches", None),
    ("wristwatch", "Watches", None),
    ("chronograph", "Watches", None),
    # ---- jewellery
    ("jhumka", "Earrings", _WOMEN),
    ("stud", "Earrings", None),
    ("hoop", "Earrings", None),
    ("choker", "Necklace and Chains", _WOMEN),
    ("mangalsutra", "Necklace and Chains", _WOMEN),
    ("locket", "Pendant", None),
    ("kada", "Bangle", None),
    ("kangan", "Bangle", _WOMEN),
    ("toe ring", "Ring", _WOMEN),
    # ---- headwear, neckwear, small accessories
    ("fedora", "Hat", None),
    ("bucket hat", "Hat", None),
    ("snapback", "Caps", None),
    ("hairband", "Headband", None),
    ("bandana", "Headband", None),
    ("scrunchie", "Hair Accessory", _WOMEN),
    ("hair clip", "Hair Accessory", None),
    ("bow tie", "Ties", _MEN),
    ("necktie", "Ties", _MEN),
    ("cravat", "Ties", _MEN),
    ("brace", "Suspenders", None),
    ("mitten", "Gloves", None),
    ("keyring", "Key chain", None),
    ("keychain", "Key chain", None),
    ("sipper", "Water Bottle", None),
    ("shaker", "Water Bottle", None),
    # ---- beauty and personal care
    ("nail paint", "Nail Polish", None),
    ("nail enamel", "Nail Polish", None),
    ("top coat", "Nail Polish", None),
    ("base coat", "Nail Polish", None),
    ("polish remover", "Nail Essentials", None),
    ("lip balm", "Lip Care", None),
    ("lip crayon", "Lipstick", None),
    ("lip tint", "Lip Gloss", None),
    ("kohl", "Kajal and Eyeliner", None),
    ("eye shadow", "Eyeshadow", None),
    ("bronzer", "Highlighter and Blush", None),
    ("rouge", "Highlighter and Blush", None),
    ("bb cream", "Foundation and Primer", None),
    ("cc cream", "Foundation and Primer", None),
    ("face powder", "Compact", None),
    ("moisturizer", "Face Moisturisers", None),
    ("face cream", "Face Moisturisers", None),
    ("cleanser", "Face Wash and Cleanser", None),
    ("sunblock", "Sunscreen", None),
    ("serum", "Face Serum and Gel", None),
    ("sheet mask", "Mask and Peel", None),
    ("face pack", "Mask and Peel", None),
    ("body butter", "Body Lotion", None),
    ("skin care", _SKIN_CARE, None),
    ("skincare", _SKIN_CARE, None),
    ("shower gel", "Body Wash and Scrub", None),
    ("hair dye", "Hair Colour", None),
    ("hair color", "Hair Colour", None),
    ("cologne", "Perfume and Body Mist", None),
    ("attar", "Perfume and Body Mist", None),
    ("edp", "Perfume and Body Mist", None),
    ("deo", "Deodorant", None),
    ("antiperspirant", "Deodorant", None),
    ("roll on", "Deodorant", None),
    ("body spray", "Deodorant", None),
    ("shaving kit", "Mens Grooming Kit", _MEN),
    # ---- sporting goods
    ("soccer ball", "Footballs", None),
)

# What a shopper asking for a gift means, when nothing else says what ("gift for him"): the
# catalog's giftable types (a gender word beside it narrows them to that gender's). Read by the
# search only: a listing named "gift" is a gift set, which its own label noun already says.
GIFT_WORDS = frozenset({"gift", "present"})
GIFT_TYPES = ("Watches", "Wallets", "Perfume and Body Mist", "Fragrance Gift Set", "Accessory Gift Set",
              "Handbags", "Clutches", "Jewellery Set", "Earrings", "Pendant", "Necklace and Chains",
              "Bracelet", "Bangle", "Ring", "Sunglasses", "Belts", "Ties", "Cufflinks", "Ties and Cufflinks",
              "Deodorant")
# Words that name a garment in the plural and a colour in the singular: "khakis" are khaki
# trousers, "khaki" is the colour (Khaki). Read by the search only (a seller's "khaki" is the
# colour).
PLURAL_GARMENTS: Mapping[str, tuple[str, ...]] = MappingProxyType({"khakis": (_TROUSERS,)})

TYPES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {word: (kind,) if isinstance(kind, str) else kind for word, kind, _ in _ENTRIES})
# Each entry's likeliest type (what a seller's listing of it is, and what the categorizer's
# vocabulary copies are made of).
VOCABULARY: Mapping[str, str] = MappingProxyType({word: kinds[0] for word, kinds in TYPES.items()})
# Slang: words whose everyday sense is another thing ("12 shades" of an eyeshadow). They name
# their type only as whole-kind words do, where nothing narrower is named beside them
# (article_types_in; the search's reading likewise).
SLANG = frozenset({"shade"})
GENDERS: Mapping[str, str] = MappingProxyType(
    {word: gender for word, _, gender in _ENTRIES if gender is not None}
)


def _key(phrase: str) -> str:
    return " ".join(singular_words(phrase))


_BY_KEY: dict[str, str] = {_key(word): word for word in VOCABULARY}
_MAX_WORDS = max(len(key.split()) for key in _BY_KEY)


def _matches(words: list[str]) -> list[tuple[int, str]]:
    """(start, entry) of the entries in ``words``, longest phrase first, then reading order."""
    taken = [False] * len(words)
    found = []
    for size in range(_MAX_WORDS, 0, -1):
        for start in range(len(words) - size + 1):
            if any(taken[start:start + size]):
                continue
            entry = _BY_KEY.get(" ".join(words[start:start + size]))
            if entry is not None:
                found.append((start, entry))
                taken[start:start + size] = [True] * size
    return found


# What follows these says what a thing is for or comes with, not what it is.
PURPOSE_WORDS = frozenset({"with", "for"})
# A noun that, after one of these words, says how a garment is cut, not what it is: "full
# sleeve" ("men thermal vest full sleeve winter" is a vest, not the catalog's Tablet Sleeve);
# "3/4 sleeve" reads "3 4 sleeve".
_CUT_WORDS = {"sleeve": frozenset({"full", "half", "long", "short", "cap", "puff", "4", "quarter",
                                   "elbow", "bell", "raglan"})}


def before_purpose(words: list[str]) -> list[str]:
    """``words`` up to any "with" or "for" (not the first word): "saree with blouse piece" is
    a saree, "moccasins for men" moccasins. The vocabulary evidence and the head noun read
    only these. (The familiarity of a name's noun, ``ml.categorize.familiarity``, does not:
    read there too, it cost 2 dev seller phrases on a train-split fit and 1 on the served
    model: "school knapsack for boys", read as a brand before a gender word and so vague, got
    an unfamiliar noun, and its flattened paths decoded to another subcategory.)"""
    cut = next((i for i, word in enumerate(words) if word in PURPOSE_WORDS and i > 0), len(words))
    return words[:cut]


def thing_words(text: str) -> list[str]:
    """``text``'s singular words that may say what the thing is: those :func:`before_purpose`,
    without a noun that only says how it is cut ("full sleeve")."""
    words = before_purpose(singular_words(text))
    return [word for i, word in enumerate(words)
            if not (i > 0 and words[i - 1] in _CUT_WORDS.get(word, ()))]


def phrases_in(text: str) -> list[str]:
    """The :data:`VOCABULARY` entries ``text`` names, longest phrase first (a word inside a
    matched phrase is not matched again: "top coat" yields "top coat", not also "coat"); then
    in reading order."""
    return [entry for _, entry in _matches(singular_words(text))]


_AND = re.compile(r"\band\b")


def label_parts(label: str) -> list[str]:
    """A catalog label's parts, lower-case: "Face Wash and Cleanser" names two things, each
    headed by its own last word ("face wash", "cleanser")."""
    return [part.strip() for part in _AND.split(label.lower())]


# singular() reads "-ies" as "-y" ("ladies": lady), which a short stem is not: "ties" is tie.
_IE_PLURAL_MAX_CHARS = 5


def _ie_singular(word: str) -> tuple[str, ...]:
    """The singular a seller writes for a short "-ies" plural ("ties": tie), besides singular()'s."""
    return (word[:-1],) if word.endswith("ies") and len(word) <= _IE_PLURAL_MAX_CHARS else ()


@lru_cache(maxsize=4)
def label_heads(types: tuple[str, ...]) -> Mapping[str, frozenset[str]]:
    """The nouns that head the catalog's article-type labels, singular, each with the types it
    heads: the last word of the label or of each part of it ("Casual Shoes": shoe; "Face Wash
    and Cleanser": wash, cleanser; "Ties": ty, as singular() reads "ties", and tie) and the
    label's words joined ("Tshirts": tshirt, "Night suits": nightsuit). The categorizer's
    head-noun rule and the search's reading of a query both ask which types a noun heads, so
    they share this one answer (the labels have no hyphen or apostrophe, so the search's own
    word splitting reads them alike)."""
    heads: dict[str, set[str]] = {}
    for kind in types:
        for part in label_parts(kind):
            words = singular_words(part)
            if words:
                for noun in (words[-1], singular("".join(words)), *_ie_singular(part.split()[-1])):
                    heads.setdefault(noun, set()).add(kind)
    return MappingProxyType({noun: frozenset(kinds) for noun, kinds in heads.items()})


@lru_cache(maxsize=4)
def whole_label_nouns(types: tuple[str, ...]) -> frozenset[str]:
    """The :func:`label_heads` nouns that are a label (or a part of one) written in two or more
    words, joined: "casualshoe", "sportsandal", "facescrub". A name holding one names that
    label whole, not only its last word."""
    return frozenset(singular("".join(words)) for kind in types for part in label_parts(kind)
                     if len(words := singular_words(part)) > 1)




def _generic_for(noun_heads: Collection[str], entry_types: Collection[str]) -> bool:
    """Whether a noun heading ``noun_heads`` is a more generic word for an entry's types."""
    return bool(set(noun_heads) & set(entry_types)) and not set(noun_heads) <= set(entry_types)


def head_entry(text: str, nouns: Collection[str]) -> tuple[str | None, tuple[str, ...]]:
    """The vocabulary entry that is ``text``'s head noun, if its head noun is one, and the
    other ``nouns`` before it. The head is the last noun before any "with" or "for", nouns
    being the vocabulary's entries and ``nouns`` (the words that head the catalog's own type
    labels, singular: "shoe", "bag", "belt"; two words written apart count as the noun they
    join into: "wrist band", "t shirt"). "womens winter coat with belt grey" -> ("coat", ());
    "football cleats" -> ("cleat", ("football",)); "parka jacket" -> (None, ("jacket",)): the
    catalog's own noun heads it (the last of the nouns returned). Given as a mapping (noun ->
    the types it heads, :func:`label_heads`), a noun heading the entry's own type leaves the
    entry the head ("kurta pajama set" -> ("kurta pajama", ()))."""
    words = thing_words(text)
    slang_yields = any(word in nouns for word in words)  # "eyeshadow palette 12 shades"
    units = {start: entry for start, entry in _matches(words) if not (entry in SLANG and slang_yields)}
    heads = nouns if isinstance(nouns, Mapping) else {}
    head, others, position = None, [], 0
    while position < len(words):
        entry = units.get(position)
        if entry is not None:
            # A word for a whole kind never heads what was named before it ("kurta pajama set
            # ethnic wear"), as in article_types_in.
            if len(TYPES[entry]) == 1 or (head is None and not others):
                head = entry
            position += len(_key(entry).split())
            continue
        joined = singular("".join(words[position:position + 2]))
        if position + 1 < len(words) and joined in nouns and units.get(position + 1) is None:
            head = None
            others.append(joined)
            position += 2
            continue
        word = words[position]
        # A label noun heading the entry's own type among others, more generic than the entry
        # ("set": kurta, clothing and gift sets), names that entry again and leaves it the head
        # ("kurta pajama set": a Kurta Set).
        if word in nouns and not (head is not None and _generic_for(heads.get(word, ()), TYPES[head])):
            head = None
            others.append(word)
        position += 1
    return head, tuple(others)


def article_types_in(text: str, nouns: Collection[str] = ()) -> list[str]:
    """The catalog article types ``text``'s words and phrases name, longest phrase first,
    each once ("olive parka" -> ["Jackets"]; "kurta pyjama set" -> ["Kurta Sets"]; "gym wear"
    -> every type it means). A word for a whole kind of clothing names its types only where
    nothing narrower is named beside it: no entry of one type ("kurta pajama set ethnic wear"
    is a kurta set) and none of ``nouns``, the catalog's own label nouns (:func:`label_heads`:
    "formal blazer office wear" is a blazer, "thermal jacket" a jacket); so does a
    :data:`SLANG` word ("eyeshadow palette 12 shades"), and so does an entry that is itself
    the label noun of other catalog types (given ``nouns`` as :func:`label_heads`' mapping:
    "pant", Trousers to a seller, heads the catalog's Track and Lounge Pants), so that
    "tracksuit jacket and pant set" names no Trousers. Where the catalog noun beside a broad
    entry heads one of its types, the entry names that one ("kolhapuri flats": Flats, not
    Sandals). Only :func:`thing_words` are read ("saree with blouse piece" names no Tops)."""
    words = thing_words(text)
    entries = [entry for _, entry in _matches(words)]
    heads = nouns if isinstance(nouns, Mapping) else {}
    broad = [entry for entry in entries if len(TYPES[entry]) > 1 or entry in SLANG
             or not set(heads.get(_key(entry), ())) <= set(TYPES[entry])]
    narrower = len(broad) < len(entries)
    beside: set[str] = set()  # the types the catalog nouns beside the entries head
    if not narrower and nouns and broad:
        inside = {word for entry in entries for word in _key(entry).split()}
        named = [word for word in words if word in nouns and word not in inside]
        narrower = bool(named)
        beside = {kind for word in named for kind in heads.get(word, ())}
    kinds = [kind for entry in entries for kind in TYPES[entry]
             if not (narrower and entry in broad) or kind in beside]
    return list(dict.fromkeys(kinds))


def gender_in(text: str) -> str | None:
    """The gender ``text``'s vocabulary words imply, if they imply exactly one."""
    genders = {GENDERS[entry] for entry in phrases_in(text) if entry in GENDERS}
    return genders.pop() if len(genders) == 1 else None
