"""What the catalog costs a request: lookups, the per-request translator, a whole answer.

    .venv/bin/python -m bench.i18n_lookups [--rounds 20000]

Prints, per language, the time of one `_()` lookup with placeholders, of choosing the
request's translator (`translator_for`, as handlers/asked.py does once per request), and
of building the whole `/redmine help` answer (the ack of `help`, the longest text an ack
carries) in English and in that language; then how long compiling every catalog from its
`.po` takes (done once, at start-up). Compare with the ack p50 in docs/benchmarks.md;
the ack itself for an English and a Japanese user in one run: `bench.ack_latency --languages`.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from bot.i18n import LANGUAGES, _, catalogs, translator_for, using
from bot.inputs.help import help_blocks


def per_call(work: Callable[[], object], rounds: int) -> float:
    """Microseconds per call, best of three runs."""
    best = float("inf")
    for _run in range(3):
        start = time.perf_counter()
        for _round in range(rounds):
            work()
        best = min(best, (time.perf_counter() - start) / rounds)
    return best * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20000)
    rounds = parser.parse_args().rounds

    catalogs.translations.cache_clear()
    start = time.perf_counter()
    catalogs.load_all()
    print(
        f"compile all {len(LANGUAGES)} catalogs from .po: {(time.perf_counter() - start) * 1e3:.0f} ms (once)"
    )

    print(f"{'language':<9} {'_() µs':>8} {'translator µs':>14} {'help answer µs':>15}")
    for language in LANGUAGES:
        translator = translator_for(language)
        with using(translator):
            lookup = per_call(lambda: _("Added your note to {issue}.", issue="#1"), rounds)
            answer = per_call(help_blocks, max(rounds // 20, 1))
        choose = per_call(lambda: translator_for("ja-JP", "en"), rounds)
        print(f"{language:<9} {lookup:8.2f} {choose:14.2f} {answer:15.1f}")


if __name__ == "__main__":
    main()
