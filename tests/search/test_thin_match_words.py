"""What follows a match thinner than a page (search.query._similar_masks): after the types
beside it, the products having the query's rarest word ("body lotion": the other lotions, face
moisturisers), kept to the match's filters. No database: the evidence is stood in for."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from search import query


class _Evidence:
    def __init__(self, rarest_word):
        self.parsed = SimpleNamespace(related=(), named=("Body Lotion",))
        self.rarest_word = rarest_word
        self.kept_with: list[tuple] = []

    def of_types(self, types, dropped):
        return np.array([bool(types), False, False])

    def kept(self, mask, dropped):
        self.kept_with.append(dropped)
        return mask & np.array([True, True, False])  # the match's gender filter, say


def test_a_thin_match_is_followed_by_the_products_with_the_query_s_rarest_word(monkeypatch):
    monkeypatch.setattr(query, "_shelf_siblings", lambda parsed: [])
    monkeypatch.setattr(query, "_similar_types", lambda q: ("Body Lotion",))
    evidence = _Evidence(rarest_word=np.array([True, True, True]))
    relaxed = np.array([False, False, True])
    masks = list(query._similar_masks("body lotion", evidence, ("colour",), [(relaxed, ("gender",), True)]))
    # related, shelf siblings, the categorizer's types, the rarest word, then the relaxations
    assert len(masks) == 5
    assert masks[3].tolist() == [True, True, False] and evidence.kept_with == [("colour",)]
    assert masks[4] is relaxed


def test_without_a_word_nothing_is_added(monkeypatch):
    monkeypatch.setattr(query, "_shelf_siblings", lambda parsed: [])
    monkeypatch.setattr(query, "_similar_types", lambda q: ())
    masks = list(query._similar_masks("tuxedo", _Evidence(rarest_word=None), (), []))
    assert len(masks) == 3
