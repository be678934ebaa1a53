"""Set finished pieces aside while the rest of a text is converted, then put them back.

Code and links must come through a conversion untouched: each is swapped for a NUL-
delimited index that no markup rule matches, and restored at the end.
"""

from __future__ import annotations

import re

_PLACEHOLDER = re.compile("\x00(\\d+)\x00")


def keep(store: list[str], value: str) -> str:
    store.append(value)
    return f"\x00{len(store) - 1}\x00"


def restore(text: str, store: list[str]) -> str:
    # Placeholders may nest (a link label holding code): restore until none are left.
    while _PLACEHOLDER.search(text):
        text = _PLACEHOLDER.sub(lambda m: store[int(m.group(1))], text)
    return text
