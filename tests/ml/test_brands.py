"""The one brand lexicon (ml.catalog.brands) and its three users, on a real sample of names:
the import (``read_brands``, what ``Product.brand`` stores), the search's query reader and the
categorizer's seller-style copies must read the same brand in the same name."""

from __future__ import annotations

import numpy as np
import pytest

from ml.catalog.brands import BrandLexicon, brand_key, read_brands
from ml.catalog.dataset import load_styles
from ml.catalog.schema import ARTICLE, COLOUR, GENDER, NAME
from ml.catalog.text import normalize
from ml.categorize.augment import seller_variant
from ml.search.understand import QueryUnderstanding
from tests.conftest import fashion_data

SAMPLE = 6000  # names: enough for a few hundred brands, fitted in a second


@pytest.fixture(scope="module")
def styles():
    return load_styles(fashion_data()).sample(n=SAMPLE, random_state=1)


def test_the_import_the_search_and_the_categorizer_read_the_same_brand(styles):
    names = list(styles[NAME])
    imported = read_brands(names)
    reader = QueryUnderstanding().fit(styles)
    augmentation = BrandLexicon().fit(names)  # as CategoryCascade.fit learns it
    assert sum(map(bool, imported)) >= 0.8 * len(names)
    assert {b["name"] for b in reader.brands_.values()} == set(augmentation.spellings_.values())
    for name, brand in zip(names, imported, strict=True):
        tokens = name.split()
        stripped = len(tokens) - len(augmentation.strip(tokens))
        if not brand:
            assert stripped == 0, name
            continue
        # The categorizer drops exactly the words of the brand the import stores ...
        assert brand_key(" ".join(tokens[:stripped])) == brand_key(brand), name
        # ... and a shopper typing those words gets the search's brand spelled as stored.
        assert reader.parse(" ".join(tokens[:stripped]).lower()).brand == brand, name


def test_a_seller_style_copy_loses_the_brand_the_import_reads(styles):
    augmentation = BrandLexicon().fit(styles[NAME])
    rng = np.random.default_rng(0)
    rows = styles[[NAME, GENDER, ARTICLE, COLOUR]].head(500).itertuples(index=False)
    for name, gender, article, colour in rows:
        brand = augmentation.read(name)
        variant = seller_variant(name, gender=gender, article_type=article, colour=colour, rng=rng,
                                 brands=augmentation)
        if brand and variant:
            words = normalize(brand).split()
            assert normalize(variant).split()[: len(words)] != words, (name, variant)


def test_the_lexicon_is_a_clonable_estimator(styles):
    from sklearn.base import clone

    lexicon = BrandLexicon(min_names=5).fit(styles[NAME])
    copy = clone(lexicon)
    assert copy.get_params() == {"min_names": 5, "min_share": lexicon.min_share}
    assert not hasattr(copy, "spellings_")
    assert min(lexicon.counts_.values()) >= 5
    assert len(BrandLexicon(min_names=2).fit(styles[NAME])) > len(lexicon)
