"""What experiments tell other apps, so that none of them is imported from here to act on it."""

from django.dispatch import Signal

# A staff member shipped an experiment's winning variant: ``experiment``, ``variant``. A strategy
# experiment's default is already stored here when this is sent; for a categorizer experiment the
# model registry (``serving``) listens and promotes ``variant.value``, the winning model version.
experiment_shipped = Signal()
