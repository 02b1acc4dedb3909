"""Free-text search: what a query asks for, and which products answer it, in what order.

Products store ``search_text``: the normalised words of their name and category path, each
between spaces. The trained query reader (:mod:`ml.search.understand`, artifact ``search``,
loaded by :func:`main.ml_bridge.search_understanding`) turns a query into a gender, colours, a
brand, weighted article types and the words a product should contain, with spelling and
spacing fixed and words the catalog never uses read semantically ("parka" -> Jackets).
:func:`search_plan` turns that into the database's terms:

- a product **matches** when it is of one of the query's article types or contains one of its
  words, and (when the query names them) is for that gender and of that brand;
- it is **ranked** by points: its article type's weight, its colour, then the query's words
  it contains (rarer words weigh more). ``main.selectors`` orders by these points.

The words are found by the database's own full-text index where it has one (SQLite FTS5,
PostgreSQL ``tsvector`` with a GIN index; see :mod:`main.fulltext`), else by ``LIKE``.
A query that matches nothing is relaxed step by step (brand, gender, then any product
sharing the start of a word) so that a page is never empty; :func:`query_summary` then says
the results are not exact. Without a trained reader (tests, a fresh clone) every word must
start a word of the product text, as before.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

from django.core.cache import caches
from django.db.models import Case, FloatField, Q, Value, When

from marketplace.pages import FACETS_SECONDS
from ml.catalog.schema import ARTICLE, COLOUR, GENDER, SUB
from ml.catalog.text import mentions_gender
from ml.search.text import STOP_WORDS, search_words
from ml.search.understand import ParsedQuery, Term

MAX_QUERY_WORDS = 10  # a longer query is cut: each word costs the database a condition
TYPE_POINTS = 8.0  # the query's top article type; others by their weight
COLOUR_POINTS = 4.0
TERM_POINTS = 2.0  # a word the product text contains, times the word's weight (rarer: more)
TYPE_MATCH_WEIGHT = 0.3  # article types weighted below this boost but do not pull products in
RELAXED_PREFIX_CHARS = 4  # the last resort: products sharing this many first letters of a word


def normalise_words(text: str) -> list[str]:
    """Lower-case singular words (:mod:`ml.catalog.text`, as the categorizer reads them);
    apostrophes and hyphens join ("t-shirt" → "tshirt")."""
    return search_words(text)


def search_text_for(product) -> str:
    parts = [product.name, product.article_type.name, product.article_type.sub_category.name]
    parts += [product.gender.name, product.base_colour, product.usage]
    return build_search_text(parts)


def build_search_text(parts: list[str]) -> str:
    words = normalise_words(" ".join(p for p in parts if p))
    return " " + " ".join(dict.fromkeys(words)) + " "


# ---------------------------------------------------------------------- reading the query


def parse_query(*, q: str) -> ParsedQuery | None:
    """The trained reader's parse of ``q`` (None without a trained reader)."""
    from .ml_bridge import search_understanding

    model = search_understanding()
    if model is None:
        return None
    return _parsed(model, " ".join(q.split()[:MAX_QUERY_WORDS]).lower())


@functools.lru_cache(maxsize=4096)
def _parsed(model, q: str) -> ParsedQuery:
    return model.parse(q)


_generation = [0]  # bumped when a new reader is loaded: cached plans of the old one are not read


def forget_parses() -> None:
    """Drop cached parses and plans (a new reader was loaded)."""
    _parsed.cache_clear()
    _generation[0] += 1


@dataclass(frozen=True)
class SearchPlan:
    """A query in the database's terms: which products match, their points, and whether the
    match had to be relaxed (then nothing matched the query as typed)."""

    match: Q
    points: list  # (Q, points) pairs
    parsed: ParsedQuery | None = None
    relaxed: bool = False


def search_plan(*, q: str) -> SearchPlan:
    """The plan for ``q``, relaxed until something matches (cached like the facet counts)."""
    from .models import Product

    words = " ".join(normalise_words(q)).encode()
    key = f"search-plan:{_generation[0]}:{hashlib.sha1(words).hexdigest()}"
    local = caches["local"]
    plan = local.get(key)
    if plan is not None:
        return plan
    parsed = parse_query(q=q)
    if parsed is None:
        plan = SearchPlan(match=_every_word(q), points=[])
    else:
        plan = None
        for match in _matches(parsed):
            if Product.objects.filter(match, is_active=True).exists():
                relaxed = plan is not None
                plan = SearchPlan(match=match, points=_points(parsed), parsed=parsed, relaxed=relaxed)
                break
            plan = plan or True
        if not isinstance(plan, SearchPlan):
            plan = SearchPlan(match=Q(), points=_points(parsed), parsed=parsed, relaxed=True)
    local.set(key, plan, FACETS_SECONDS)
    return plan


def _every_word(q: str) -> Q:
    """Without a trained reader: every word (but stop words) starts a word of the text."""
    match = Q()
    for word in normalise_words(q)[:MAX_QUERY_WORDS]:
        if word not in STOP_WORDS:
            match &= Q(search_text__contains=f" {word}")
    return match


def _matches(parsed: ParsedQuery):
    """The match conditions to try, strictest first: the query as read, then without its
    brand, then without its gender, then any product sharing the start of a word."""
    from .fulltext import words_match

    ids = _taxonomy_ids()
    type_ids = [i for t, w in parsed.types.items() if w >= TYPE_MATCH_WEIGHT for i in ids[ARTICLE].get(t, ())]
    text = words_match(parsed.terms, article_type_ids=type_ids)
    if not (type_ids or parsed.terms):
        text = Q(base_colour__in=parsed.colours) if parsed.colours else Q()
    gender_ids = [i for g in parsed.genders for i in ids[GENDER].get(g, ())]
    gender = Q(gender_id__in=gender_ids) if parsed.genders else Q()
    brand = Q()
    for prefix in parsed.brand_prefixes:
        brand |= Q(name__istartswith=prefix)
    unknown = [w for w in parsed.unknown + parsed.semantic if len(w) >= RELAXED_PREFIX_CHARS]
    if parsed.asks_for_something:
        yield text & gender & brand
        if parsed.brand:
            yield text & gender
        if parsed.genders:
            yield text
    if unknown:
        nearby = Q()
        for word in unknown:
            nearby |= Q(search_text__contains=f" {word[:RELAXED_PREFIX_CHARS]}")
        yield nearby


def _points(parsed: ParsedQuery) -> list:
    ids = _taxonomy_ids()
    points = []
    for article, weight in parsed.types.items():
        if ids[ARTICLE].get(article):
            points.append((Q(article_type_id__in=ids[ARTICLE][article]), TYPE_POINTS * weight))
    if parsed.colours:
        points.append((Q(base_colour__in=parsed.colours), COLOUR_POINTS))
    for term in parsed.terms:
        points.append((_contains(term), TERM_POINTS * term.weight))
    return points


def _contains(term: Term) -> Q:
    match = Q()
    for form in term.forms:
        match |= Q(search_text__contains=f" {form} ")
    return match


def relevance(plan: SearchPlan):
    """The points expression (a float per product) ``main.selectors`` orders by."""
    score = Value(0.0, output_field=FloatField())
    for condition, points in plan.points:
        score = score + Case(
            When(condition, then=Value(points)), default=Value(0.0), output_field=FloatField()
        )
    return score


def _taxonomy_ids() -> dict[str, dict[str, tuple[int, ...]]]:
    """Article type and gender ids by name (from the taxonomy rows the selectors cache)."""
    from .selectors import _taxonomy_rows

    rows = _taxonomy_rows(needed={})
    result = {}
    for level, column in ((ARTICLE, "article_type_id"), (GENDER, "gender_id")):
        by_name: dict[str, tuple[int, ...]] = {}
        for i, row in rows[column].items():
            by_name[row[0]] = (*by_name.get(row[0], ()), i)
        result[level] = by_name
    return result


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
    from .ml_bridge import SURE_ENOUGH, categorizer

    model = categorizer()
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
    labels the query was read as, a spelling correction to offer, and whether anything
    matched the words exactly (if not, the page says so above the closest products)."""

    understood: dict[str, str]
    did_you_mean: str = ""
    exact: bool = True


def query_summary(*, q: str) -> QuerySummary:
    """The labels ``q`` was read as (gender, article type, colour, brand; the top article
    type only), the corrected query when a word was misspelt, and whether the results match
    the query as typed (False when it had to be relaxed or read semantically)."""
    plan = search_plan(q=q)
    parsed = plan.parsed
    if parsed is None:
        intent = query_intent(q=q)
        understood = {GENDER: intent.gender, SUB: intent.sub_category, ARTICLE: intent.article_type}
        return QuerySummary(understood={level: label for level, label in understood.items() if label})
    understood = {
        GENDER: parsed.genders[0] if parsed.genders else "",
        ARTICLE: next(iter(parsed.types), ""),
        COLOUR: parsed.colours[0] if len(parsed.colours) == 1 else "",
        "brand": parsed.brand,
    }
    return QuerySummary(
        understood={level: label for level, label in understood.items() if label},
        did_you_mean=parsed.corrected,
        exact=parsed.exact and not plan.relaxed,
    )


# ---------------------------------------------------------------------- as-you-type suggestions

__all__ = [
    "QuerySummary", "SearchPlan", "build_search_text", "normalise_words", "parse_query",
    "query_summary", "relevance", "search_plan", "search_text_for",
]
