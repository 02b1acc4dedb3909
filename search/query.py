"""Free-text search: what a query asks for, and which products answer it, in what order.

Products store ``search_text``: the normalised words of their name and category path, each
between spaces (:mod:`main.search_text`). The trained query reader (:mod:`ml.search.understand`,
artifact ``search``, served by :mod:`serving.registry`) turns a query into a gender, colours, a
brand, weighted article types and the words a product should contain, with spelling and
spacing fixed and words the catalog never uses read semantically ("parka" -> Jackets).
:func:`search_rows` turns that into rows of the catalog table (:mod:`main.catalog_table`).
The result set is what the query means, in every order (best match, price, newest):

- a product **matches** when it is of an article type the query's words name (a type's own
  label word, "blazer", or a word of the shared vocabulary :mod:`ml.catalog.vocabulary`,
  "joggers"; see ``QueryUnderstanding._named_types``), or, when no word names a type, of a
  type its words point at firmly, or else when it contains the query's words; and it is of
  the gender, colour, brand and price range the query states, each a filter;
- it is **ranked** by points: its article type's weight, its colour, then the query's words
  it contains (rarer words weigh more), and, when the query states no gender, grown-ups'
  products before children's. ``search.listing`` orders by these points.

The words are found by the database's own full-text index where it has one (SQLite FTS5,
PostgreSQL ``tsvector`` with a GIN index; see :mod:`search.fulltext`), else by ``LIKE``: one
lookup per word of the query, which gives both the match and the word's points. Types,
genders, colours, brands and prices are columns of the table.
When nothing matches, the query's colour, price, brand, named type (for its relatives: "kurta
sets" for men, which the catalog has none of, shows kurtas) and gender are given up in that
order (:data:`RELAXATIONS`), one more at a time, and :func:`query_summary` says what was given
up ("No black heels — showing heels in all colours"); a type the catalog lacks for the stated
gender first shows that gender's types the categorizer reads the query as ("womens formal
shoes": heels and flats for women). A match thinner than a page is followed, in every order,
by similar products (:data:`TOP_UP_BELOW`): the named types' relatives, the types beside them
on the catalog's shelf, the types the categorizer reads the query as ("sun hat": 3 hats, then
caps), the products having the query's rarest word, of the asked types' master categories
("body lotion": the other lotions, face moisturisers), then the relaxations above, and the
page says so. A shelf's name alone ("shoes", "jewellery") asks for every type on that shelf.
A query read as nothing the catalog has ("xyzqwerty") matches nothing: no results (the page
shows popular products, labelled), never the whole catalog counted as results. Without a
trained reader (tests, a fresh clone) every word must start a word of the product text, as
before.
"""

from __future__ import annotations

import functools
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.pages import PAGE_SIZE
from main.catalog_table import MISSING, CatalogTable, catalog_table
from main.categorize import SURE_ENOUGH
from main.search_text import normalise_words
from main.selectors import taxonomy_rows
from ml.catalog.schema import ARTICLE, COLOUR, GENDER, MASTER, SUB
from ml.catalog.text import mentions_gender, singular
from ml.categorize.train import ARTIFACT_NAME as CATEGORIZER
from ml.search.text import APPAREL, STOP_WORDS, search_words
from ml.search.train import ARTIFACT_NAME as SEARCH
from ml.search.understand import ParsedQuery
from serving.registry import loaded
from serving.signals import models_reloaded

from .fulltext import ids_with_words

MAX_QUERY_WORDS = 10  # a longer query is cut: each word costs the database a condition
TYPE_POINTS = 8.0  # the query's top article type; others by their weight
COLOUR_POINTS = 4.0
TERM_POINTS = 2.0  # a word the product text contains, times the word's weight (rarer: more)
# A query stating no gender ranks grown-ups' products (Men, Women, Unisex) this much above
# children's: a shopper for children says so ("girls dresses"), and none of the dev queries
# without a children's word accepts children's products. Dev P@24 best match (make
# evaluate-search): 0 -> 0.958; 0.5, 2 and 8 -> 0.963 (price low to high 0.954 at each: a
# ranking). Children's products filtered out instead (given up when nothing else matches):
# 0.962, price 0.955.
ADULT_POINTS = 2.0
ADULT_GENDERS = ("Men", "Women", "Unisex")
RELAXED_PREFIX_CHARS = 4  # the last resort: products sharing this many first letters of a word
# A match thinner than a page of the grid is followed by similar products, each set after the
# one before it in every order: the named types' relatives, the types the categorizer reads
# the query as, then the relaxations below ("sun hat": 3 hats, then caps).
TOP_UP_BELOW = PAGE_SIZE
SHELF_TYPE_WEIGHT = 0.5  # a type only the shelf's name asks for ranks after the ones the word heads
# One-word shelf names that are not what a shopper asks for: "home" (one cushion cover) and the
# vouchers that come with an order.
SHELF_WORDS_IGNORED = frozenset({"home", "voucher"})
# The categorizer's article types for the query kept as similar, from this probability: "yellow
# kurti" gives Kurtas 0.01, "kurta pyjama for boys" gives Swimwear 0.0002.
SIMILAR_TYPE_PROBABILITY = 0.005
TIER_POINTS = 1000.0  # a later set's points are this much lower: every set ranks after the last
SEARCHES_KEPT = 256  # the latest searches' matches kept per process (a few kB to a few hundred each)


# ---------------------------------------------------------------------- reading the query


def parse_query(*, q: str) -> ParsedQuery | None:
    """The trained reader's parse of ``q`` (None without a trained reader)."""
    model = loaded(SEARCH)
    if model is None:
        return None
    return _parsed(model, " ".join(q.split()[:MAX_QUERY_WORDS]).lower())


@functools.lru_cache(maxsize=4096)
def _parsed(model, q: str) -> ParsedQuery:
    return model.parse(q)


_generation = [0]  # bumped when a new reader is loaded: cached plans of the old one are not read


def forget_parses(**signal) -> None:
    """Drop cached parses and matches (a new reader was loaded: ``serving.signals.models_reloaded``)."""
    _parsed.cache_clear()
    _categorizer_types.cache_clear()
    _kept.clear()
    _generation[0] += 1


models_reloaded.connect(forget_parses, dispatch_uid="search.query.forget_parses")


# What a relaxation step gives up, in the order a search gives them up when nothing matches,
# and how the page says so ("No black heels — showing heels in all colours").
RELAXATIONS = {
    "colour": "in all colours",
    "price": "at any price",
    "brand": "of every brand",
    "type": "instead",  # the named types' relatives (ParsedQuery.related): "kurta sets" -> kurtas
    "gender": "for everyone",
}


@dataclass(frozen=True)
class SearchResult:
    """A query's matches in the catalog table: their rows, their points (the relevance the
    listing orders by, higher first), and how the match was reached: ``dropped`` names what
    the query asked for that had to be given up (keys of :data:`RELAXATIONS`) for anything to
    match, ``relaxed`` is True when the match is not the query as read (something dropped, or
    only products sharing the start of a word), and ``understood`` is False when the query
    was read as nothing the catalog has (then ``rows`` is empty: no results, not the catalog)."""

    rows: np.ndarray
    points: np.ndarray
    parsed: ParsedQuery | None = None
    relaxed: bool = False
    dropped: tuple[str, ...] = ()
    understood: bool = True
    # Per row: 0 for the match, 1, 2... for the similar products that follow a thin one.
    tiers: np.ndarray | None = None
    instead: tuple[str, ...] = ()  # the types shown instead of the named ones, when "type" is dropped

    @property
    def matched(self) -> int:
        """How many of ``rows`` are the match itself (the rest are similar products)."""
        return len(self.rows) if self.tiers is None else int((self.tiers == 0).sum())


def search_rows(*, q: str, table: CatalogTable | None = None) -> SearchResult:
    """The products ``q`` finds, relaxed until something matches. Kept per process for the
    table it was read on: the same query is asked again and again, page after page."""
    table = table or catalog_table()
    q = " ".join(q.split()[:MAX_QUERY_WORDS])
    key = (table.version, id(table), _generation[0], " ".join(normalise_words(q)))
    result = _kept.pop(key, None) or _search(q, table)
    _kept[key] = result  # the latest last
    while len(_kept) > SEARCHES_KEPT:
        _kept.popitem(last=False)
    return result


_kept: OrderedDict[tuple, SearchResult] = OrderedDict()
_NO_ROWS = np.zeros(0, dtype=np.int32)


def _search(q: str, table: CatalogTable) -> SearchResult:
    parsed = parse_query(q=q)
    if parsed is None:
        rows = np.flatnonzero(_every_word(q, table)).astype(np.int32)
        return SearchResult(rows=rows, points=np.zeros(len(rows), dtype=np.float32))
    evidence = _Evidence(parsed, table)
    steps = evidence.matches()
    instead: tuple[str, ...] = ()
    for match, dropped, relaxed in steps:
        if "gender" in dropped and not instead:
            # Before the stated gender is given up, the types the categorizer reads the query as,
            # for that gender: "womens formal shoes" (the catalog's are all men's) shows heels
            # and flats for women, not men's formal shoes.
            kept = tuple(name for name in dropped if name != "gender")
            instead = tuple(t for t in _similar_types(q) if t not in parsed.asked_types
                            and evidence.of_types([t], kept).any())
            if instead:
                match, dropped = evidence.of_types(instead, kept), (*kept, "type")
        rows = np.flatnonzero(match).astype(np.int32)
        if len(rows) >= TOP_UP_BELOW:
            return SearchResult(rows=rows, points=evidence.points[rows], parsed=parsed,
                                relaxed=relaxed, dropped=dropped, instead=instead)
        if len(rows):
            similar = _similar_masks(q, evidence, dropped, steps)
            rows, points, tiers = _topped_up(match, similar, evidence.points)
            return SearchResult(rows=rows, points=points, parsed=parsed, relaxed=relaxed,
                                dropped=dropped, tiers=tiers, instead=instead)
    return SearchResult(rows=_NO_ROWS, points=np.zeros(0, dtype=np.float32), parsed=parsed,
                        relaxed=True, understood=False)


def _similar_masks(q: str, evidence: _Evidence, dropped: tuple[str, ...], steps):
    """What follows a thin match, in turn, each read only if the page still has room (the
    categorizer's reading costs ~5 ms): the named types' relatives, their shelf siblings, the
    types the categorizer reads ``q`` as, the products with its rarest word (each keeping the
    match's filters), then the relaxation ``steps`` left. The rarest word after the types: dev
    P@24 best match / price (make evaluate-search) 0.987 / 0.975 without it, 0.989 / 0.976
    after them (0.989 / 0.976 before the categorizer's types too, test 0.001 lower there)."""
    parsed = evidence.parsed
    yield evidence.of_types(parsed.related, dropped)
    yield evidence.of_types(_shelf_siblings(parsed), dropped)
    yield evidence.of_types(_similar_types(q), dropped)
    yield evidence.kept(evidence.with_rarest_word(), dropped)
    for mask, _, _ in steps:
        yield mask


def _shelf_types(parsed: ParsedQuery) -> list[str]:
    """The article types under the subcategory or master category a query's word names, where
    that name is not an article type's own ("shoes": Casual, Formal and Sports Shoes, Heels,
    Flats; "watches" is left to its type), when it is the query's only word but for a gender,
    colour, brand or price ("girls shoes"; "running shoes", "tote bag" keep to their types)."""
    words = _shelves().words
    if len(parsed.terms) != 1 or parsed.terms[0].word not in words:
        return []
    return sorted(words[parsed.terms[0].word])


def _shelf_siblings(parsed: ParsedQuery) -> list[str]:
    """The types beside the named ones on the catalog's shelf: the same subcategory and a
    label ending in the same noun ("trolley bag": duffel bags; not "Suits": night suits)."""
    subcategories = _shelves().subcategories
    named = {sub for t in parsed.named for sub in subcategories.get(t, ())}
    return [t for t in loaded(SEARCH).head_siblings(parsed.named) if subcategories.get(t, set()) & named]


@dataclass(frozen=True)
class _Shelves:
    """The catalog's shelves, read from the taxonomy rows: the article types each one-word
    subcategory or master category name asks for ("shoe": the Shoes subcategory's types), where
    the name is not a type's own; and each article type's subcategories."""

    words: dict[str, frozenset[str]]
    subcategories: dict[str, frozenset[int]]


def _shelves() -> _Shelves:
    rows = taxonomy_rows()
    if _shelves_kept.get("rows") is not rows:  # read again with the taxonomy
        types = list(rows["article_type_id"].values())
        own = {singular("".join(search_words(name))) for name, _ in types}
        under: dict[str, set[str]] = {}
        subcategories: dict[str, set[int]] = {}
        for name, sub in types:
            subcategories.setdefault(name, set()).add(sub)
            sub_name, master = rows["sub_category_id"][sub]
            for shelf in (sub_name, rows["master_category_id"][master][0]):
                words = search_words(shelf)
                word = singular("".join(words))
                if len(words) == 1 and word not in own and word not in SHELF_WORDS_IGNORED:
                    under.setdefault(word, set()).add(name)
        _shelves_kept.update(rows=rows, shelves=_Shelves(
            words={word: frozenset(kinds) for word, kinds in under.items()},
            subcategories={name: frozenset(subs) for name, subs in subcategories.items()}))
    return _shelves_kept["shelves"]


_shelves_kept: dict = {}


def _similar_types(q: str) -> tuple[str, ...]:
    """The article types the categorizer reads ``q`` as, likeliest first ("sun hat": Caps)."""
    model = loaded(CATEGORIZER)
    if model is None or not normalise_words(q):
        return ()
    return _categorizer_types(model, q)


@functools.lru_cache(maxsize=1024)
def _categorizer_types(model, q: str) -> tuple[str, ...]:
    answer = model.predict_one(q).levels[ARTICLE]
    return tuple(label for label, p in answer.alternatives if p >= SIMILAR_TYPE_PROBABILITY)


def _topped_up(match: np.ndarray, similar, points: np.ndarray):
    """The rows of ``match``, then of each ``similar`` mask in turn (rows not taken before),
    until a page is filled: (rows, points lowered by tier, tiers)."""
    taken = match.copy()
    parts = [np.flatnonzero(match)]
    count = len(parts[0])
    for mask in similar:
        if count >= TOP_UP_BELOW:
            break
        new = mask & ~taken
        if new.any():
            parts.append(np.flatnonzero(new))
            taken |= new
            count += len(parts[-1])
    rows = np.concatenate(parts).astype(np.int32)
    tiers = np.concatenate([np.full(len(part), tier, dtype=np.int8) for tier, part in enumerate(parts)])
    return rows, points[rows] - TIER_POINTS * tiers, tiers


def _every_word(q: str, table: CatalogTable) -> np.ndarray:
    """Without a trained reader: every word (but stop words) starts a word of the text."""
    match = np.ones(len(table), dtype=bool)
    for word in dict.fromkeys(normalise_words(q)[:MAX_QUERY_WORDS]):
        if word not in STOP_WORDS:
            match &= table.has_ids(ids_with_words([word], prefix=True))
    return match


def rows_starting_words(*, q: str, table: CatalogTable) -> np.ndarray:
    """The rows whose text has, for every word of ``q`` (but stop words), a word it starts."""
    return np.flatnonzero(_every_word(q, table)).astype(np.int32)


class _Evidence:
    """What the catalog table says of a parsed query: a row mask per condition, and points.

    The result set is what the query means: the article types its words name (or, naming
    none, point at firmly: ``ParsedQuery.asked_types``), else the products containing its words;
    and its gender, colour, brand and stated price, each a filter. Colour, price, brand and
    gender are given up in that order, one more at a time, only when nothing matches."""

    def __init__(self, parsed: ParsedQuery, table: CatalogTable):
        self.parsed, self.table = parsed, table
        ids = _taxonomy_ids()
        self.type_ids = ids[ARTICLE]  # article type name -> its taxonomy ids
        everything = np.ones(len(table), dtype=bool)
        self.points = np.zeros(len(table), dtype=np.float32)
        of_type = np.zeros(len(table), dtype=bool)
        apparel = everything
        if parsed.apparel:  # "gym wear": clothes; "party wear shoes": the shoes say what, "wear" when
            clothes = table.any_of("master", ids[MASTER].get(APPAREL, ()))
            named = table.any_of("type", [i for t in parsed.named for i in ids[ARTICLE].get(t, ())])
            if not named.any() or (named & clothes).any():
                apparel = clothes
        of_top_type, top_weight = np.zeros(len(table), dtype=bool), 0.0  # the likeliest asked type
        types_asked = False  # a type the query pulls products in by, known to the taxonomy
        for article, weight in parsed.types.items():
            rows = table.any_of("type", ids[ARTICLE].get(article, ()))
            self._add(rows, TYPE_POINTS * weight)
            if article in parsed.asked_types and ids[ARTICLE].get(article):
                of_type |= rows
                types_asked = True
                if weight > top_weight and (rows & apparel).any():  # "workout clothes": of clothes
                    of_top_type, top_weight = rows.copy(), weight
                elif weight == top_weight:
                    of_top_type |= rows
        colour = table.any_of("colour", parsed.colours) if parsed.colours else everything
        missing = table.codes["colour"] == MISSING
        if parsed.colour_words and missing.any():
            # A listing with no colour recorded matches by its words ("Men Blue Slim Jeans").
            colour = colour | (missing & table.has_ids(ids_with_words(parsed.colour_words)))
        if parsed.colours:
            self._add(colour, COLOUR_POINTS)
        every_word = everything.copy()
        some_word = np.zeros(len(table), dtype=bool)
        self.rarest_word = None  # the rows with the query's rarest word (what a thin match is followed by)
        for term in sorted(parsed.terms, key=lambda term: -term.weight):
            rows = table.has_ids(ids_with_words(term.forms))
            if self.rarest_word is None:
                self.rarest_word = rows
            self._add(rows, TERM_POINTS * term.weight)
            every_word &= rows
            some_word |= rows
        # A word naming a whole shelf of the catalog ("shoes", "bags", "jewellery", "footwear")
        # asks for every type on it, after the types the word itself heads.
        shelf = _shelf_types(parsed)
        for article in shelf:
            rows = table.any_of("type", ids[ARTICLE].get(article, ()))
            if article not in parsed.types:
                self._add(rows, TYPE_POINTS * SHELF_TYPE_WEIGHT)
            of_type |= rows
            types_asked = True
        self.of_type = of_type
        if types_asked and not parsed.named and not shelf and parsed.terms:
            # Types the words only point at ("beanie": Caps, and T-shirts, shoes... whose names
            # use it): the likeliest whole, the others only where a product has the words, so
            # that a price order does not start with cheap T-shirts.
            self.what = [of_top_type | (of_type & some_word)]
        elif types_asked:
            self.what = [of_type]
        elif parsed.terms:
            self.what = [every_word, some_word]  # all the words, else any of them
        else:  # a gender, a colour, a brand or a price alone ("nike", "black", "under 500")
            self.what = [everything]
        if apparel is not everything:  # "gym wear": clothes, whatever else the words point at
            self.what = [mask & apparel for mask in self.what] + [apparel]
        gender = table.any_of("gender", [i for g in parsed.genders for i in ids[GENDER].get(g, ())])
        if not parsed.genders:
            self._add(table.any_of("gender", [i for g in ADULT_GENDERS for i in ids[GENDER].get(g, ())]),
                      ADULT_POINTS)
        # The named types' relatives ("kurta sets": kurtas), shown instead of them when nothing
        # else matches, only where the catalog has them for the gender asked ("kurta pajama":
        # no men's kurta sets, but men's kurtas); otherwise the gender is given up.
        of_related = table.any_of("type", [i for t in parsed.related for i in ids[ARTICLE].get(t, ())])
        for_gender = gender if parsed.genders else everything
        instead = types_asked and parsed.named and (of_related & for_gender).any()
        if instead:
            self.what = [mask | of_related for mask in self.what]
        price = everything
        if parsed.min_price is not None:
            price = price & (table.price >= parsed.min_price)
        if parsed.max_price is not None:
            price = price & (table.price <= parsed.max_price)
        self.filters = {
            "colour": colour if parsed.colours else None,
            "price": price if parsed.min_price is not None or parsed.max_price is not None else None,
            "brand": self._brand() if parsed.brand else None,
            "type": of_type if instead else None,
            "gender": gender if parsed.genders else None,
        }

    def _add(self, rows: np.ndarray, points: float) -> None:
        """``self.points[rows] += points`` for a row mask, as one pass adding 0 elsewhere, in
        the precision that would have added (the same sums): a masked read and write took
        55-300 µs a mask, this 15 µs."""
        self.points += np.multiply(rows, points, dtype=np.result_type(self.points, points))

    def _brand(self) -> np.ndarray:
        """The brand's rows by ``Product.brand`` (its lines too: "Jockey ELANCE" for "jockey")."""
        return self.table.of_brand(self.parsed.brand, self.parsed.brand_prefixes)

    def of_types(self, types: Sequence[str], dropped: tuple[str, ...]) -> np.ndarray:
        """The rows of ``types`` that keep the filters the match kept (all but ``dropped``)."""
        ids = self.type_ids
        return self.kept(self.table.any_of("type", [i for t in types for i in ids.get(t, ())]), dropped)

    def with_rarest_word(self) -> np.ndarray:
        """The rows with the query's rarest word, of the asked types' master categories:
        "body lotion" is followed by face moisturisers, "blue jeans" never by a deodorant named
        "Blue Jeans". None of them without a word or an asked type."""
        masters = np.unique(self.table.codes["master"][self.of_type])
        if self.rarest_word is None or not masters.size:
            return np.zeros(len(self.table), dtype=bool)
        return self.rarest_word & np.isin(self.table.codes["master"], masters)

    def kept(self, mask: np.ndarray, dropped: tuple[str, ...]) -> np.ndarray:
        """``mask`` with the filters the match kept (all but ``dropped``)."""
        mask = mask.copy()
        for name, rows in self.filters.items():
            if rows is not None and name not in dropped and name != "type":
                mask &= rows
        return mask

    def matches(self):
        """(mask, what was dropped, relaxed) to try, strictest first: the query as read, then
        without its colour, price, brand and gender in turn (cumulatively), then any product
        sharing the start of a word the catalog does not know."""
        parsed = self.parsed
        if parsed.asks_for_something:
            asked = [name for name in RELAXATIONS if self.filters[name] is not None]
            for step, what in enumerate(self.what):
                for n_dropped in range(len(asked) + 1):
                    mask = what.copy()
                    for name in asked[n_dropped:]:
                        mask &= self.filters[name]
                    dropped = tuple(asked[:n_dropped])
                    yield mask, dropped, bool(dropped) or step > 0
        unknown = [w for w in parsed.unknown + parsed.semantic if len(w) >= RELAXED_PREFIX_CHARS]
        if unknown:
            starts = [word[:RELAXED_PREFIX_CHARS] for word in unknown]
            yield self.table.has_ids(ids_with_words(starts, prefix=True)), (), True


def _taxonomy_ids() -> dict[str, dict[str, tuple[int, ...]]]:
    """Article type, gender and master category ids by name (from the taxonomy rows the
    selectors cache), built again only when those rows are read again: a search asks twice a
    page, and building it was ~0.1 ms each under the profiler."""
    rows = taxonomy_rows()
    if _ids_kept.get("rows") is not rows:
        result = {}
        levels = ((ARTICLE, "article_type_id"), (GENDER, "gender_id"), (MASTER, "master_category_id"))
        for level, column in levels:
            by_name: dict[str, tuple[int, ...]] = {}
            for i, row in rows[column].items():
                by_name[row[0]] = (*by_name.get(row[0], ()), i)
            result[level] = by_name
        type_names = {i: name for name, ids in result[ARTICLE].items() for i in ids}
        _ids_kept.update(rows=rows, ids=result, type_names=type_names)
    return _ids_kept["ids"]


def _type_names() -> dict[int, str]:
    """Article type id -> its name (the inverse of ``_taxonomy_ids()[ARTICLE]``)."""
    _taxonomy_ids()
    return _ids_kept["type_names"]


_ids_kept: dict = {}


# ---------------------------------------------------------------------- what the page says


@dataclass(frozen=True)
class QueryIntent:
    """What a search most likely asks for, read by the categorizer ("blue jeans men": Men,
    Bottomwear, Jeans). A level it is not sure of is empty, and so is gender unless the query
    names one (a gender head would otherwise push "jeans" towards men's)."""

    gender: str = ""
    sub_category: str = ""
    article_type: str = ""


def query_intent(*, q: str) -> QueryIntent:
    model = loaded(CATEGORIZER)
    if model is None or not normalise_words(q):
        return QueryIntent()
    prediction = model.predict_one(q)

    def sure(level: str) -> str:
        answer = prediction.levels[level]
        return answer.label if answer.confidence >= SURE_ENOUGH else ""

    sub_category = sure(SUB)
    return QueryIntent(
        gender=sure(GENDER) if mentions_gender(q) else "",
        sub_category=sub_category,
        article_type=sure(ARTICLE) if sub_category else "",
    )


@dataclass(frozen=True)
class QuerySummary:
    """What a results page (and the search API's ``understood``) says about a search: the
    labels the query was read as, a spelling correction to offer, whether anything matched
    the query as read (``exact``), whether it was read as anything at all (``found``: False
    for "xyzqwerty", which then lists nothing), and the sentence saying what was given up
    ("No black heels — showing heels in all colours") or that nothing was found."""

    understood: dict[str, str]
    did_you_mean: str = ""
    exact: bool = True
    message: str = ""
    found: bool = True


def query_summary(*, q: str) -> QuerySummary:
    """The labels ``q`` was read as (gender, article types, colour, brand, price), the
    corrected query when a word was misspelt, whether the results match the query as typed,
    and what the page says when they do not."""
    result = search_rows(q=q)
    parsed = result.parsed
    if parsed is None:
        intent = query_intent(q=q)
        understood = {GENDER: intent.gender, SUB: intent.sub_category, ARTICLE: intent.article_type}
        found = bool(len(result.rows)) or not normalise_words(q)
        return QuerySummary(understood={level: label for level, label in understood.items() if label},
                            message="" if found else f"No results for “{q.strip()}”", found=found)
    labels = _labels(parsed, present=_types_matched(result))
    understood = {level: label for level, label in labels.items() if label}
    if not result.understood:
        message = f"No results for “{q.strip()}”"
    elif result.dropped:
        given_up = {_LABEL_OF[name] for name in result.dropped}
        kept = {level: label for level, label in labels.items() if level not in given_up}
        if "type" in result.dropped:
            kept[ARTICLE] = _types_label(result.instead or parsed.related)
        given = [RELAXATIONS[name] for name in result.dropped if name != "type"]
        message = f"No {_described(labels)} — showing {_described(kept)}"
        if given:
            message += " " + " and ".join(given)
        if "type" in result.dropped:  # "... showing kurtas for men instead"
            message += f" {RELAXATIONS['type']}"
    elif result.relaxed:
        message = f"No exact matches for “{q.strip()}” — closest products"
    else:
        message = ""
    if result.matched < len(result.rows):  # a thin match, followed by similar products
        if message:
            message += ", then similar products"
        else:
            matched = f"{result.matched} product" + ("s match" if result.matched > 1 else " matches")
            message = f"Only {matched} “{q.strip()}” — similar products follow"
    return QuerySummary(
        understood=understood,
        did_you_mean=parsed.corrected,
        exact=parsed.exact and not result.relaxed,
        message=message,
        found=result.understood,
    )


# Who a query's genders are, in the shop's words ("kids": Boys and Girls).
# Keys sorted, as _labels looks them up.
GENDER_LABELS = {("Boys", "Girls"): "Kids", ("Men", "Unisex"): "Men", ("Unisex", "Women"): "Women",
                 ("Men", "Unisex", "Women"): "Everyone"}
TYPES_NAMED = 3  # article types a summary names before "…"
APPAREL_LABEL = "Clothing"  # how a summary names a query for clothes of no named type ("gym wear")
_LABEL_OF = {"colour": COLOUR, "price": "price", "brand": "brand", "type": ARTICLE,
             "gender": GENDER}  # RELAXATIONS -> label


def _types_matched(result: SearchResult) -> list[str]:
    """The article types of a search's match itself (not the similar products after it), the
    most products first."""
    table = catalog_table()
    rows = result.rows if result.tiers is None else result.rows[result.tiers == 0]
    names = _type_names()
    counted: Counter = Counter()
    for type_id, n in table.counts("type", rows).items():
        counted[names.get(type_id, "")] += n
    return [name for name, _ in counted.most_common() if name]


def _labels(parsed: ParsedQuery, present: Sequence[str] = ()) -> dict[str, str]:
    """The query's reading as labels, by level (empty where it asks for nothing). Of the types
    asked for, only those the match has, the most products first ("wedding wear men": Kurtas,
    Nehru Jackets; not the sarees the phrase names for women); all of them if it has none."""
    genders = tuple(sorted(parsed.genders))
    asked = list(parsed.asked_types)
    types = [kind for kind in present if kind in asked] or asked
    if parsed.apparel and not parsed.named:  # what the words point at, among clothes only
        types = [APPAREL_LABEL]
    type_label = _types_label(types)
    price = ""
    if parsed.min_price is not None and parsed.max_price is not None:
        price = f"₹{parsed.min_price}–₹{parsed.max_price}"
    elif parsed.max_price is not None:
        price = f"under ₹{parsed.max_price}"
    elif parsed.min_price is not None:
        price = f"above ₹{parsed.min_price}"
    return {
        GENDER: GENDER_LABELS.get(genders, " / ".join(genders)),
        ARTICLE: type_label,
        COLOUR: " / ".join(word.title() for word in parsed.colour_words) or " / ".join(parsed.colours[:1]),
        "brand": parsed.brand,
        "price": price,
    }


def _types_label(types: Sequence[str]) -> str:
    return ", ".join(types[:TYPES_NAMED]) + (", …" if len(types) > TYPES_NAMED else "")


def _described(labels: dict[str, str]) -> str:
    """The labels as a phrase: "black Nike heels for women under ₹500"."""
    things = labels.get(ARTICLE, "").lower() or "products"
    words = [labels.get(COLOUR, "").lower(), labels.get("brand", ""), things]
    phrase = " ".join(word for word in words if word)
    if labels.get(GENDER):
        phrase += f" for {labels[GENDER].lower()}"
    if labels.get("price"):
        phrase += f" {labels['price']}"
    return phrase


__all__ = ["QuerySummary", "SearchResult", "parse_query", "query_summary", "rows_starting_words",
           "search_rows"]
