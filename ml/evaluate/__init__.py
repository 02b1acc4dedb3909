"""The measuring scripts: ``python -m ml.evaluate.categorization`` and friends (``make evaluate``)."""

import os
import time


def run_summary(started: float) -> str:
    """The closing line of a measuring run: its time and how loaded the machine was, so that
    figures from a busy machine are read as such."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"total {time.perf_counter() - started:.0f} s on {os.cpu_count()} cores, load average {load}"
