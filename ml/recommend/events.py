"""Shopper events as the recommenders read them: ``(product_id, event)`` histories."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

EVENT_COLUMNS = ["user", "item", "event", "timestamp"]
# A wishlist save is intent short of a cart: weighted between a view and an add to cart.
EVENT_WEIGHTS = {"view": 1.0, "wishlist": 2.0, "cart": 3.0, "purchase": 5.0}
History = Sequence[tuple[int, str]]


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
