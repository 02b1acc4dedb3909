"""What follows a match thinner than a page (search.query): after the types beside it, the
products having the query's rarest word ("body lotion": the other lotions, face moisturisers),
of the asked types' master categories ("blue jeans" is never followed by a deodorant named
"Blue Jeans", tests/search/test_search.py), kept to the match's filters. No database: the
evidence and the catalog table are stood in for."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from search import query


def _evidence(rarest_word, of_type) -> query._Evidence:
    evidence = query._Evidence.__new__(query._Evidence)  # the fields _similar_masks reads
    evidence.parsed = SimpleNamespace(related=(), named=("Body Lotion",))
    evidence.table = _Table()
    evidence.rarest_word = rarest_word
    evidence.of_type = of_type
    evidence.type_ids = {}
    evidence.filters = {"gender": np.array([True, True, True, False]), "colour": None}
    return evidence


class _Table:
    codes = {"master": np.array([3, 3, 5, 3])}  # rows 0, 1, 3: one master category; row 2 another

    def __len__(self):
        return 4

    def any_of(self, param, chosen):
        return np.zeros(4, dtype=bool)


def test_a_thin_match_is_followed_by_the_products_with_the_query_s_rarest_word(monkeypatch):
    monkeypatch.setattr(query, "_shelf_siblings", lambda parsed: [])
    monkeypatch.setattr(query, "_similar_types", lambda q: ())
    evidence = _evidence(rarest_word=np.array([True, True, True, True]), of_type=np.array([1, 0, 0, 0], bool))
    relaxed = np.array([False, False, True, False])
    masks = list(query._similar_masks("body lotion", evidence, (), [(relaxed, ("gender",), True)]))
    # related, shelf siblings, the categorizer's types, the rarest word, then the relaxations
    assert len(masks) == 5
    # of the match's master category (not row 2), for its gender (not row 3)
    assert masks[3].tolist() == [True, True, False, False]
    assert masks[4] is relaxed


def test_without_a_word_or_an_asked_type_no_product_is_added(monkeypatch):
    monkeypatch.setattr(query, "_shelf_siblings", lambda parsed: [])
    monkeypatch.setattr(query, "_similar_types", lambda q: ())
    for evidence in (_evidence(None, np.array([1, 0, 0, 0], bool)),
                     _evidence(np.ones(4, bool), np.zeros(4, bool))):
        assert not list(query._similar_masks("tuxedo", evidence, (), []))[3].any()
