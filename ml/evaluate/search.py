"""Search quality on our development query set: ``python -m ml.evaluate.search``.

The set (``ml/evaluate/search_queries.csv``) holds queries as shoppers type them (sloppy,
lower case, typos, plurals, "for men", Hinglish) with the catalog labels a product must carry
to be a relevant answer. Columns:

``query``
    the text typed into the search box;
``gender``
    blank (anyone) or the acceptable genders, ``|``-separated (``Men``, ``Boys|Girls``).
    A ``Unisex`` product counts for a query that accepts ``Men`` or ``Women``; Boys and Girls
    queries do not take Unisex (the catalog's Unisex products are adults' accessories);
``articleType``
    the acceptable article types, ``|``-separated ("sneakers": ``Casual Shoes|Sports Shoes``);
``baseColour``
    blank (any) or the acceptable colours, ``|``-separated. A colour word stands for its
    family, :data:`COLOUR_GROUPS` ("blue" is ``Blue|Navy Blue|Turquoise Blue|Teal``); a
    specific shade typed ("navy", "maroon") asks for that shade only;
``brand``
    blank (any) or the brand(s), ``|``-separated, one of which must start the product name
    (catalog names start with the brand: "Nike Men Black ..."), compared as normalised words
    (case, punctuation and apostrophes ignored: ``Ray-Ban`` matches "RAY BAN ...");
``kind``
    the reporting group, one of :data:`KINDS`.

Every label is compared exactly (ignoring case) to the product's catalog label; a product
is relevant when it satisfies every non-blank column.

The metric, for each query: precision@24 = (relevant products among the first 24 results) /
min(24, number of relevant products in the catalog); a query with fewer relevant products
than a page is not penalised for the page it cannot fill, and a search that returns fewer
than 24 results is (the empty slots count as misses). The report gives the mean over the
queries, overall and per kind, the queries with no result at all, and the 10 worst queries.

This module runs no search itself (``ml`` never imports Django): ``main(search=...)`` takes
a function from query text to result dicts with the keys ``gender``, ``articleType``,
``baseColour`` and ``name``; ``scripts/evaluate_search.py`` (``make evaluate-search``) passes
the shop's search. Run alone, it checks the query set against the catalog (``FASHION_DATA``):
every label exists, and how many relevant products each query has.

``split``
    ``dev`` (tune on it) or ``test`` (never tuned on: reported only as one figure per order).
    The first 199 queries were tuned on in earlier rounds and are all dev; the later ones were
    written from how shoppers search (not from the catalog's names) before any tuning and
    split by a hash of their text, 4 in 10 to test. The last 106 (round 5) were written the
    same way to find what the tuned dev set no longer shows; their results were read while
    changing the search, so all of them are dev. The 66 after them (round 6) were written the
    same way and measured once before any change (best match 0.851, by price 0.827); they are
    all test, and only their figure as a whole is read. The 41 after them (round 7: 81 written,
    40 of which the set already held) read 0.972 / 0.959 before the round's changes; their
    results were read while changing the search, so all of them are dev.

Each split is measured in two orders: best match first, and price low to high (a search whose
result set holds what it does not mean shows it first in a price order).
A hidden test set exists too, so a search should be tuned on the figures per kind, never to
a single query.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ml.catalog.schema import ARTICLE, COLOUR, GENDER, NAME, UNISEX
from ml.catalog.text import normalize

TOP = 24
QUERIES_PATH = Path(__file__).with_name("search_queries.csv")
QUERY_COLUMNS = ("query", GENDER, ARTICLE, COLOUR, "brand", "kind", "split")
KINDS = ("plain", "typo", "spacing", "synonym", "out_of_vocab", "gender", "colour", "brand_type", "indian",
         "occasion", "price")
SPLITS = ("dev", "test")
ADULT_GENDERS = frozenset({"men", "women"})
UNISEX_KEY = UNISEX.lower()

# The colour families a colour word stands for (the convention the query set follows).
COLOUR_GROUPS = {
    "black": ("Black",),
    "white": ("White", "Off White"),
    "blue": ("Blue", "Navy Blue", "Turquoise Blue", "Teal"),
    "red": ("Red", "Maroon", "Burgundy"),
    "green": ("Green", "Olive", "Sea Green", "Lime Green", "Fluorescent Green"),
    "pink": ("Pink", "Magenta", "Rose"),
    "purple": ("Purple", "Lavender", "Mauve"),
    "yellow": ("Yellow", "Mustard"),
    "orange": ("Orange", "Rust"),
    "brown": ("Brown", "Coffee Brown", "Mushroom Brown", "Tan", "Taupe"),
    "grey": ("Grey", "Grey Melange", "Charcoal"),
    "beige": ("Beige", "Cream", "Khaki", "Nude"),
    "silver": ("Silver", "Steel", "Metallic"),
    "gold": ("Gold",),
}

Product = Mapping[str, object]
Search = Callable[[str], Sequence[Product]]


def _labels(value: object) -> frozenset[str]:
    """A ``|``-separated cell as lower-cased labels; blank is the empty set (anything goes)."""
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    return frozenset(part.strip().lower() for part in text.split("|") if part.strip())


@dataclass(frozen=True)
class Query:
    """One row of the query set: the text and what a relevant product must carry."""

    text: str
    genders: frozenset[str]
    article_types: frozenset[str]
    colours: frozenset[str]
    brands: tuple[str, ...]  # normalised: "ray ban"
    kind: str = "plain"
    split: str = "dev"

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> Query:
        brands = tuple(sorted({normalize(b) for b in _labels(row.get("brand")) if normalize(b)}))
        query = cls(
            text=str(row["query"]),
            genders=_labels(row.get(GENDER)),
            article_types=_labels(row.get(ARTICLE)),
            colours=_labels(row.get(COLOUR)),
            brands=brands,
            kind=str(row.get("kind") or "plain").strip(),
            split=str(row.get("split") or "dev").strip(),
        )
        if not (query.genders or query.article_types or query.colours or query.brands):
            raise ValueError(f"query {query.text!r} asks for no label: every product would be relevant")
        return query


def as_query(query_row: Query | Mapping[str, object]) -> Query:
    return query_row if isinstance(query_row, Query) else Query.from_row(query_row)


def load_queries(path: Path | str = QUERIES_PATH, *, split: str | None = None) -> list[Query]:
    """The query set's rows (only those of ``split``, "dev" or "test", when given)."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = set(QUERY_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing columns {sorted(missing)}")
        queries = [Query.from_row(row) for row in reader]
    return [q for q in queries if split is None or q.split == split]


def gender_matches(gender: object, wanted: frozenset[str]) -> bool:
    """Blank asks for anyone; a Unisex product counts for a Men or a Women query."""
    if not wanted:
        return True
    key = str(gender or "").strip().lower()
    return key in wanted or (key == UNISEX_KEY and bool(wanted & ADULT_GENDERS))


def brand_matches(name: object, brands: tuple[str, ...]) -> bool:
    """Whether the product name starts with one of the brands, word for word."""
    if not brands:
        return True
    words = normalize(str(name or ""))
    return any(words == brand or words.startswith(brand + " ") for brand in brands)


def is_relevant(product: Product, query_row: Query | Mapping[str, object]) -> bool:
    """Whether a product (a dict of its catalog labels and name) answers the query."""
    query = as_query(query_row)
    return (
        gender_matches(product.get(GENDER), query.genders)
        and _label_matches(product.get(ARTICLE), query.article_types)
        and _label_matches(product.get(COLOUR), query.colours)
        and brand_matches(product.get(NAME), query.brands)
    )


def _label_matches(label: object, wanted: frozenset[str]) -> bool:
    return not wanted or str(label or "").strip().lower() in wanted


def judge(results: Sequence[Product], query_row: Query | Mapping[str, object], k: int = TOP) -> list[bool]:
    """Relevance of each of the first ``k`` results, in order."""
    query = as_query(query_row)
    return [is_relevant(product, query) for product in list(results)[:k]]


def precision_at(
    results: Sequence[Product], query_row: Query | Mapping[str, object], relevant_count: int, k: int = TOP
) -> float:
    """Relevant among the first ``k`` results / min(k, relevant products in the catalog)."""
    if relevant_count <= 0:
        raise ValueError(f"query {as_query(query_row).text!r} has no relevant product in the catalog")
    return sum(judge(results, query_row, k)) / min(k, relevant_count)


def relevant_mask(catalog: pd.DataFrame, query_row: Query | Mapping[str, object]) -> pd.Series:
    """Which catalog rows (columns gender, articleType, baseColour, name) answer the query."""
    query = as_query(query_row)
    mask = pd.Series(True, index=catalog.index)
    if query.genders:
        gender = catalog[GENDER].astype(str).str.strip().str.lower()
        mask &= gender.isin(query.genders) | ((gender == UNISEX_KEY) & bool(query.genders & ADULT_GENDERS))
    if query.article_types:
        mask &= catalog[ARTICLE].astype(str).str.strip().str.lower().isin(query.article_types)
    if query.colours:
        mask &= catalog[COLOUR].astype(str).str.strip().str.lower().isin(query.colours)
    if query.brands:
        mask &= catalog[NAME].map(lambda name: brand_matches(name, query.brands)).astype(bool)
    return mask


def unknown_labels(catalog: pd.DataFrame, queries: Iterable[Query]) -> list[str]:
    """Labels in the query set that no catalog product carries (typos in the set itself)."""
    columns = (GENDER, ARTICLE, COLOUR)
    known = {column: set(catalog[column].astype(str).str.strip().str.lower()) for column in columns}
    problems = []
    for query in queries:
        for column, labels in zip(columns, (query.genders, query.article_types, query.colours), strict=True):
            problems += [f"{query.text!r}: {column} {label!r}" for label in sorted(labels - known[column])]
        names = catalog[NAME]
        for brand in query.brands:
            if not names.map(lambda name, b=brand: brand_matches(name, (b,))).any():
                problems.append(f"{query.text!r}: brand {brand!r}")
        if query.kind not in KINDS:
            problems.append(f"{query.text!r}: kind {query.kind!r}")
        if query.split not in SPLITS:
            problems.append(f"{query.text!r}: split {query.split!r}")
    return problems


@dataclass
class Outcome:
    query: Query
    results: int
    relevant_in_top: int
    relevant_in_catalog: int
    precision: float


def evaluate(search: Search, queries: Sequence[Query], catalog: pd.DataFrame, k: int = TOP) -> list[Outcome]:
    """Run ``search`` over every query and judge its first ``k`` results."""
    outcomes = []
    for query in queries:
        relevant = int(relevant_mask(catalog, query).sum())
        results = list(search(query.text))
        hits = sum(judge(results, query, k))
        precision = precision_at(results, query, relevant, k)
        outcomes.append(Outcome(query, len(results), hits, relevant, precision))
    return outcomes


def no_result(outcomes: Iterable[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.results == 0]


def report(outcomes: Sequence[Outcome], k: int = TOP, worst: int = 10) -> str:
    """The figures: mean precision@k overall and per kind, no-result queries, the worst ones."""
    mean = statistics.fmean(o.precision for o in outcomes)
    lines = [f"Mean precision@{k}: {mean:.3f} over {len(outcomes)} queries"]
    lines.append(f"  {'kind':<14}{'queries':>8}{'P@' + str(k):>8}{'no result':>11}")
    for kind in KINDS:
        group = [o for o in outcomes if o.query.kind == kind]
        if group:
            mean = statistics.fmean(o.precision for o in group)
            lines.append(f"  {kind:<14}{len(group):>8}{mean:>8.3f}{len(no_result(group)):>11}")
    empty = no_result(outcomes)
    lines.append(f"Queries with no result: {len(empty)}" + (":" if empty else ""))
    lines += [f"  {o.query.text!r} ({o.query.kind})" for o in empty]
    # Among equals, those that do answer come first: they are not in the no-result list above.
    lines.append(f"The {min(worst, len(outcomes))} worst queries:")
    for o in sorted(outcomes, key=lambda o: (o.precision, -o.results))[:worst]:
        lines.append(
            f"  {o.precision:.3f}  {o.query.text!r} ({o.query.kind}): {o.relevant_in_top} relevant of "
            f"{min(k, o.results)} shown, {o.results:,} results, "
            f"{o.relevant_in_catalog:,} relevant in the catalog"
        )
    few = [o for o in outcomes if o.relevant_in_catalog < k]
    if few:
        lines.append(f"Queries with fewer than {k} relevant products (precision divides by it): {len(few)}")
        lines.append("  " + ", ".join(f"{o.query.text!r} {o.relevant_in_catalog}" for o in few))
    return "\n".join(lines)


def check(catalog: pd.DataFrame, queries: Sequence[Query], k: int = TOP) -> str:
    """The query set against the catalog: unknown labels, counts per kind, thin queries."""
    lines = [f"{len(queries)} queries, catalog of {len(catalog):,} products"]
    problems = unknown_labels(catalog, queries)
    lines.append(f"Labels no product carries: {len(problems)}")
    lines += [f"  {p}" for p in problems]
    counts = {kind: sum(q.kind == kind for q in queries) for kind in KINDS}
    lines.append("Queries per kind: " + ", ".join(f"{kind} {n}" for kind, n in counts.items()))
    relevant = [(q, int(relevant_mask(catalog, q).sum())) for q in queries]
    few = [(q, n) for q, n in relevant if n < k]
    lines.append(f"Queries with fewer than {k} relevant products: {len(few)}")
    lines += [f"  {n:>4}  {q.text!r} ({q.kind})" for q, n in few]
    seen: dict[str, int] = {}
    for q in queries:
        seen[q.text.strip().lower()] = seen.get(q.text.strip().lower(), 0) + 1
    duplicates = [text for text, n in seen.items() if n > 1]
    lines.append(f"Duplicate queries: {len(duplicates)}" + (f": {duplicates}" if duplicates else ""))
    return "\n".join(lines)


ORDERS = {"relevance": "best match", "price_asc": "price, low to high"}  # the orders measured


def summary_line(outcomes: Sequence[Outcome], k: int = TOP) -> str:
    """One line of figures: mean precision@k, queries, no-result queries."""
    mean = statistics.fmean(o.precision for o in outcomes)
    return f"P@{k} {mean:.3f} over {len(outcomes)} queries, {len(no_result(outcomes))} with no result"


def main(
    search: Callable[[str, str], Sequence[Product]] | None = None,
    catalog: pd.DataFrame | None = None,
    argv: list[str] | None = None,
) -> int:
    """Without ``search``: check the query set. With it (query text, order -> results): the dev
    queries in detail (per kind, worst queries) in best-match order, then one line per split
    and order. The test split is only ever reported as a whole: tune on dev."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", default=str(QUERIES_PATH), help="the query set (CSV)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    queries = load_queries(args.queries)
    if catalog is None:
        from ml.catalog.dataset import load_styles

        catalog = load_styles()
    if search is None:
        print(check(catalog, queries))
        return 1 if unknown_labels(catalog, queries) else 0
    results = {}
    for split in SPLITS:
        chosen = [q for q in queries if q.split == split]
        for order in ORDERS:
            results[split, order] = evaluate(lambda text, o=order: search(text, o), chosen, catalog)
    print("Development queries, best match first:")
    print(report(results["dev", "relevance"]))
    print("\nSummary:")
    for (split, order), outcomes in results.items():
        print(f"  {split:<5} {ORDERS[order]:<20} {summary_line(outcomes)}")
    from ml.evaluate import run_summary

    print(run_summary(started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
