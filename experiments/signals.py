"""What experiments tell other apps, so that none of them is imported from here to act on it."""

from django.dispatch import Signal

# A staff member shipped an experiment's winning variant: ``experiment``, ``variant``. When this is
# sent, a strategy experiment's default is stored here and a categorizer experiment's version
# already serves (promoted in the registry, ``serving.services.version_promote``).
experiment_shipped = Signal()
