"""A few counters in Prometheus' text format, for `GET /metrics`. No dependency needed."""

from __future__ import annotations

from collections import Counter


class Metrics:
    def __init__(self) -> None:
        self.counters: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()

    def inc(self, name: str, amount: int = 1, **labels: str) -> None:
        self.counters[(name, tuple(sorted(labels.items())))] += amount

    def render(self) -> str:
        lines = []
        for name in sorted({n for n, _ in self.counters}):
            lines.append(f"# TYPE {name} counter")
            for (metric, labels), value in sorted(self.counters.items()):
                if metric != name:
                    continue
                rendered = ",".join(f'{k}="{v}"' for k, v in labels)
                lines.append(f"{name}{{{rendered}}} {value}" if rendered else f"{name} {value}")
        return "\n".join(lines) + "\n"
