"""Every fault scenario of issue 11, as one line of counts.

Runs `run()` of each of `benchmarks.faults_files`, `faults_transport` and
`faults_scheduler` that exists, and sums their counts: duplicates, lost, peak MB (the
highest), worst ack latency in ms (the highest). A module without `run()` is reported as
skipped. The last line is one JSON object:

    python -m benchmarks.faults
"""

from __future__ import annotations

import importlib
import json
from typing import Any

MODULES = ("faults_files", "faults_transport", "faults_scheduler")
SUMMED = ("duplicates", "lost")
HIGHEST = ("peak_mb", "worst_ack_ms")


def run() -> dict[str, Any]:
    totals: dict[str, Any] = {**dict.fromkeys(SUMMED, 0), **dict.fromkeys(HIGHEST, 0.0)}
    parts: dict[str, Any] = {}
    for name in MODULES:
        try:
            module = importlib.import_module(f"benchmarks.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"benchmarks.{name}":
                raise
            continue
        if not hasattr(module, "run"):
            parts[name] = "skipped: no run()"
            continue
        counts = module.run()
        parts[name] = counts
        for key in SUMMED:
            totals[key] += counts.get(key, 0)
        for key in HIGHEST:
            totals[key] = max(totals[key], counts.get(key, 0.0))
    return {**totals, "modules": parts}


def main() -> None:
    figures = run()
    for name, value in figures["modules"].items():
        print(f"{name}: {value}")
    print(json.dumps({key: value for key, value in figures.items() if key != "modules"}
                     | {"modules": sorted(figures["modules"])}))  # fmt: skip


if __name__ == "__main__":
    main()
