"""Every experiments test starts and ends with no plan memoised and no exposure queued, so no
test (here or in another app's module run after) sees another's experiment."""

import pytest


@pytest.fixture(autouse=True)
def _fresh_experiments():
    from experiments.selectors import surface_plans_forget
    from experiments.services import exposures_forget

    surface_plans_forget()
    exposures_forget()
    yield
    surface_plans_forget()
    exposures_forget()


@pytest.fixture
def make_experiment(db):
    """An experiment with a control and one treatment (or the ``variants`` given), not started."""
    from experiments.models import Experiment, Variant

    def make(*, key="carousel-order", surface="carousels", outcome="view", variants=None, **fields):
        experiment = Experiment.objects.create(
            key=key, title=key.replace("-", " ").capitalize(), surface=surface, outcome=outcome, **fields
        )
        for n, (variant_key, value, weight) in enumerate(
            variants or [("control", "similar-first", 1), ("look-first", "look-first", 1)]
        ):
            Variant.objects.create(
                experiment=experiment, key=variant_key, value=value, weight=weight, is_control=n == 0
            )
        return experiment

    return make
