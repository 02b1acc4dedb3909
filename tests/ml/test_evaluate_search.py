"""The judging rules of the search evaluation (``ml.evaluate.search``) on hand-made products."""

from __future__ import annotations

import pandas as pd
import pytest

from ml.evaluate.search import (
    COLOUR_GROUPS,
    KINDS,
    QUERIES_PATH,
    Query,
    evaluate,
    is_relevant,
    judge,
    load_queries,
    no_result,
    precision_at,
    relevant_mask,
    report,
)


def _row(query="q", gender="", article="", colour="", brand="", kind="plain") -> dict:
    return {"query": query, "gender": gender, "articleType": article, "baseColour": colour,
            "brand": brand, "kind": kind}


def _product(gender="Men", article="Tshirts", colour="Black", name="Nike Men Black Tshirt") -> dict:
    return {"gender": gender, "articleType": article, "baseColour": colour, "name": name}


def test_unisex_counts_for_men_and_women_but_not_for_kids():
    unisex = _product(gender="Unisex")
    assert is_relevant(unisex, _row(gender="Men", article="Tshirts"))
    assert is_relevant(unisex, _row(gender="Women", article="Tshirts"))
    assert not is_relevant(unisex, _row(gender="Boys|Girls", article="Tshirts"))
    assert not is_relevant(_product(gender="Women"), _row(gender="Men", article="Tshirts"))
    assert not is_relevant(_product(gender="Boys"), _row(gender="Men", article="Tshirts"))
    assert is_relevant(_product(gender="Girls"), _row(gender="Boys|Girls", article="Tshirts"))
    assert is_relevant(_product(gender="Girls"), _row(article="Tshirts"))  # blank: anyone


def test_any_of_several_article_types_is_relevant():
    sneakers = _row(article="Casual Shoes|Sports Shoes")
    assert is_relevant(_product(article="Casual Shoes"), sneakers)
    assert is_relevant(_product(article="Sports Shoes"), sneakers)
    assert not is_relevant(_product(article="Formal Shoes"), sneakers)
    assert not is_relevant(_product(article="Sports Sandals"), sneakers)


def test_labels_compare_exactly_but_ignore_case():
    assert is_relevant(_product(article="Tshirts"), _row(article="tshirts"))
    assert not is_relevant(_product(article="Lounge Tshirts"), _row(article="Tshirts"))


def test_a_colour_word_stands_for_its_family():
    blue = "|".join(COLOUR_GROUPS["blue"])
    query = _row(article="Jeans", colour=blue)
    for shade in ("Blue", "Navy Blue", "Turquoise Blue", "Teal"):
        assert is_relevant(_product(article="Jeans", colour=shade), query)
    assert not is_relevant(_product(article="Jeans", colour="Black"), query)
    navy_only = _row(article="Jeans", colour="Navy Blue")
    assert not is_relevant(_product(article="Jeans", colour="Blue"), navy_only)


def test_the_brand_must_start_the_name_word_for_word():
    query = _row(article="Sports Shoes", brand="Reebok")
    assert is_relevant(_product(article="Sports Shoes", name="Reebok Men Black Running Shoes"), query)
    assert is_relevant(_product(article="Sports Shoes", name="REEBOK Men Shoes"), query)
    assert not is_relevant(_product(article="Sports Shoes", name="Nike Men Reebok-style Shoes"), query)
    assert not is_relevant(_product(article="Sports Shoes", name="Reeboks Men Shoes"), query)
    several_words = _row(article="Sunglasses", brand="Ray-Ban")
    assert is_relevant(_product(article="Sunglasses", name="Ray-Ban Men Aviator Sunglasses"), several_words)
    assert is_relevant(_product(article="Sunglasses", name="ray ban Unisex Sunglasses"), several_words)
    assert not is_relevant(_product(article="Sunglasses", name="Fastrack Men Sunglasses"), several_words)


def test_every_label_must_hold():
    query = _row(gender="Men", article="Tshirts", colour="Black", brand="Nike")
    assert is_relevant(_product(), query)
    assert not is_relevant(_product(colour="White"), query)
    assert not is_relevant(_product(name="Puma Men Black Tshirt"), query)
    assert not is_relevant(_product(article="Shirts"), query)


def test_judge_looks_at_the_first_24_results_only():
    query = _row(article="Tshirts")
    results = [_product(article="Shirts")] * 24 + [_product()] * 10
    verdicts = judge(results, query)
    assert len(verdicts) == 24 and not any(verdicts)
    assert precision_at(results, query, relevant_count=500) == 0.0


def test_precision_divides_by_the_relevant_count_when_below_24():
    query = _row(article="Lehenga Choli")
    lehenga = _product(gender="Women", article="Lehenga Choli")
    results = [lehenga, _product(article="Sarees"), lehenga]
    assert precision_at(results, query, relevant_count=4) == pytest.approx(2 / 4)
    assert precision_at([lehenga] * 4, query, relevant_count=4) == 1.0
    # With 24 or more relevant, empty slots of a short page count as misses.
    assert precision_at(results, query, relevant_count=100) == pytest.approx(2 / 24)
    with pytest.raises(ValueError):
        precision_at(results, query, relevant_count=0)


def test_a_query_with_no_result_is_reported_as_such():
    catalog = pd.DataFrame([_product(), _product(article="Jeans", name="Lee Men Blue Jeans", colour="Blue")])
    queries = [Query.from_row(_row("jeens", article="Jeans", kind="typo")),
               Query.from_row(_row("tshirt", article="Tshirts"))]
    answers = {"jeens": [], "tshirt": [_product()]}
    outcomes = evaluate(lambda text: answers[text], queries, catalog)
    assert [o.query.text for o in no_result(outcomes)] == ["jeens"]
    assert outcomes[0].precision == 0.0 and outcomes[1].precision == 1.0
    text = report(outcomes)
    assert "Queries with no result: 1" in text and "'jeens' (typo)" in text
    assert "Mean precision@24: 0.500 over 2 queries" in text


def test_catalog_counting_follows_the_same_rules():
    catalog = pd.DataFrame([
        _product(gender="Men"), _product(gender="Unisex"), _product(gender="Women"),
        _product(gender="Men", colour="Navy Blue"), _product(gender="Men", name="Puma Men Black Tshirt"),
    ])
    query = Query.from_row(_row(gender="Men", article="Tshirts", colour="Black", brand="Nike"))
    assert relevant_mask(catalog, query).tolist() == [True, True, False, False, False]
    for _, product in catalog.iterrows():
        assert is_relevant(product.to_dict(), query) == bool(relevant_mask(catalog.loc[[_]], query).iloc[0])


def test_a_query_must_ask_for_some_label():
    with pytest.raises(ValueError):
        Query.from_row(_row("anything"))


def test_the_query_set_is_big_and_varied():
    queries = load_queries(QUERIES_PATH)
    assert len(queries) >= 150
    assert len({q.text.lower() for q in queries}) == len(queries)
    for kind in KINDS:
        assert sum(q.kind == kind for q in queries) >= 12, kind
    assert all(q.article_types for q in queries)


def test_the_query_set_has_a_test_split_never_tuned_on():
    dev, test = load_queries(QUERIES_PATH, split="dev"), load_queries(QUERIES_PATH, split="test")
    assert len(dev) + len(test) == len(load_queries(QUERIES_PATH)) >= 500
    assert len(test) >= 150
    assert not {q.text for q in dev} & {q.text for q in test}
