"""Values computed on first use, so that a cached template fragment skips their work entirely."""

from collections.abc import Callable, Sequence
from functools import cached_property


class Deferred(Sequence):
    """A list that is computed the first time a template (or anything) looks at it."""

    def __init__(self, compute: Callable[[], Sequence]):
        self._compute = compute

    @cached_property
    def value(self) -> Sequence:
        return self._compute()

    def __getitem__(self, index):
        return self.value[index]

    def __len__(self) -> int:
        return len(self.value)
