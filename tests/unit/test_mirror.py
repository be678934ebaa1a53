"""tests/unit mirrors bot/ and handlers/: a test folder names the package it tests.

So the tests of a module are found where the module is: bot/actions/x.py in
tests/unit/actions/, bot/x.py in tests/unit/, handlers/x.py in tests/unit/handlers/.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def packages(root: Path) -> set[str]:
    return {p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").exists()}


def test_every_unit_test_folder_names_a_package_of_bot_or_handlers() -> None:
    folders = packages(ROOT / "tests" / "unit")
    assert folders, "no test folders found: the check would pass on nothing"
    assert folders <= packages(ROOT / "bot") | {"handlers"}
