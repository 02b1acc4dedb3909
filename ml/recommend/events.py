"""Shopper events as the recommenders read them: ``(product_id, event)`` histories."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

EVENT_COLUMNS = ["user", "item", "event", "timestamp"]
# A wishlist save is intent short of a cart: weighted between a view and an add to cart.
IMPLICIT_WEIGHTS = {"view": 1.0, "wishlist": 2.0, "cart": 3.0, "purchase": 5.0}
# A rating is explicit feedback on a product the shopper bought (a verified buyer's review):
# added to the purchase's weight, 4 and 5 stars a strong positive, 3 neutral, 1 and 2 a
# negative that cancels most of the purchase (a product summed to 0 or less counts as not
# liked: collaborative filtering leaves it out, the content profile is pushed away from it).
RATING_WEIGHTS = {1: -4.5, 2: -3.0, 3: 0.0, 4: 2.0, 5: 4.0}
RATING_EVENT_PREFIX = "rated_"
STARS = tuple(RATING_WEIGHTS)  # 1 .. 5
History = Sequence[tuple[int, str]]


def rating_event(stars: int) -> str:
    """The event name of a rating (``rated_4``): what the shop logs and the recommenders read."""
    if stars not in RATING_WEIGHTS:
        raise ValueError(f"A rating is 1 to 5 stars, not {stars!r}")
    return f"{RATING_EVENT_PREFIX}{stars}"


def is_rating(event: str) -> bool:
    return event.startswith(RATING_EVENT_PREFIX)


EVENT_WEIGHTS = {**IMPLICIT_WEIGHTS, **{rating_event(stars): w for stars, w in RATING_WEIGHTS.items()}}


def history_weights(history: History, event_weights: Mapping[str, float]) -> dict[int, float]:
    """Summed event weight per product of a history; unknown event names count as views."""
    totals: dict[int, float] = {}
    for item, event in history:
        totals[int(item)] = totals.get(int(item), 0.0) + event_weights.get(event, event_weights["view"])
    return totals


def clean_events(events: pd.DataFrame | None) -> pd.DataFrame:
    columns = EVENT_COLUMNS
    if events is None or len(events) == 0:
        return pd.DataFrame(
            {c: pd.Series(dtype="datetime64[ns, UTC]" if c == "timestamp" else object) for c in columns}
        )
    frame = events[columns].copy()
    frame["item"] = pd.to_numeric(frame["item"]).astype(np.int64)
    frame["user"] = frame["user"].astype(str)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame.sort_values("timestamp", kind="stable")
