"""The product's colour from its pixels (ml.photo.colour), on real dataset photos."""

from __future__ import annotations

import numpy as np
import pytest

from ml.catalog.dataset import load_styles
from ml.photo.colour import COLOUR_FEATURES, HIST_BINS, ColourClassifier, colour_features, rgb_to_lab
from ml.photo.images import colour_histogram, colour_histograms, load_photos
from ml.photo.model import fuse_colour
from tests.conftest import fashion_data

SAMPLE_PER_COLOUR = 25  # photos of each of the sample's colours


@pytest.fixture(scope="module")
def sample():
    """A few real photos of the catalog's four commonest colours (their own baseColour)."""
    data = fashion_data()
    styles = load_styles(data)
    styles = styles[[(data / "images" / f"{i}.jpg").exists() for i in styles["id"]]]
    commonest = styles["baseColour"].value_counts().index[:4]
    rows = styles[styles["baseColour"].isin(commonest)].groupby("baseColour").head(SAMPLE_PER_COLOUR)
    images = load_photos([data / "images" / f"{i}.jpg" for i in rows["id"]])
    return images, rows["baseColour"].to_numpy()


def test_lab_of_white_black_and_red():
    lab = rgb_to_lab(np.array([[255, 255, 255], [0, 0, 0], [255, 0, 0]], dtype=np.uint8))
    assert np.allclose(lab[0], [100, 0, 0], atol=0.5)
    assert np.allclose(lab[1], [0, 0, 0], atol=0.5)
    assert lab[2, 0] == pytest.approx(53.2, abs=0.5) and lab[2, 1] > 70 and lab[2, 2] > 60


def test_features_ignore_the_white_background():
    photo = np.full((1, 80, 80, 3), 255, dtype=np.uint8)
    photo[0, 20:60, 30:50] = (20, 40, 160)  # a blue product on studio white
    bigger = photo.copy()
    bigger[0, 10:70, 20:60] = (20, 40, 160)
    features = colour_features(np.concatenate([photo, bigger]))
    assert features.shape == (2, COLOUR_FEATURES)
    # the same colour, whatever its area: the same histograms (only the foreground share differs)
    assert np.allclose(features[0, : 2 * HIST_BINS], features[1, : 2 * HIST_BINS])
    assert features[0, 2 * HIST_BINS] < features[1, 2 * HIST_BINS]


def test_an_all_white_photo_still_has_features():
    features = colour_features(np.full((1, 80, 80, 3), 255, dtype=np.uint8))
    assert np.isfinite(features).all() and features[0, :HIST_BINS].sum() > 0


def test_the_classifier_reads_colour_from_real_photos(sample):
    images, colours = sample
    train = np.arange(len(colours)) % 5 != 0
    model = ColourClassifier().fit(images[train], colours[train])
    assert set(model.classes_) == set(colours)
    probabilities = model.predict_proba(images[~train])
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    accuracy = (model.predict(images[~train]) == colours[~train]).mean()
    assert accuracy > 1 / len(set(colours))  # better than chance on unseen photos
    unknown_skipped = ColourClassifier().fit(images, np.where(train, colours, ""))
    assert unknown_skipped.classes_.tolist() == sorted(set(colours))


def test_fused_colour_is_a_distribution_over_the_networks_classes():
    net = (np.array(["Black", "Blue", "Red"], dtype=object), np.array([[0.5, 0.4, 0.1]]))
    pixels = (np.array(["Blue", "Black"], dtype=object), np.array([[0.9, 0.1]]))
    fused = fuse_colour(net, pixels, (1.0, 1.0))
    assert fused.shape == (1, 3) and np.isclose(fused.sum(), 1.0)
    assert fused.argmax() == 1  # both experts together: Blue
    assert fused[0, 2] < 0.01  # Red, a class the pixels do not know, floored but not vetoed
    assert np.allclose(fuse_colour(net, pixels, (1.0, 0.0)), net[1])


def test_batched_colour_histograms_match_one_photo_at_a_time(sample):
    images, _ = sample
    batch = colour_histograms(images[:5])
    assert np.allclose(batch, np.stack([colour_histogram(image) for image in images[:5]]))
