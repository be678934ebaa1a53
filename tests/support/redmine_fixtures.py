"""Recorded Redmine answers (tests/fixtures/redmine/, from scripts/record-redmine-fixtures.py).

Each file is what a real Redmine 5 answered, with dates pinned and links on a neutral
host, so the builder tests feed the builders the shapes Redmine really sends.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.redmine.models import Issue, SearchResult

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "redmine"
BASE_URL = "https://redmine.example.test"  # where the recorded links point


def answer(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return data


def issue(name: str) -> Issue:
    return Issue.model_validate(answer(name)["issue"])


def issues(name: str) -> list[Issue]:
    return [Issue.model_validate(item) for item in answer(name)["issues"]]


def search_results(name: str) -> list[SearchResult]:
    return [SearchResult.model_validate(item) for item in answer(name)["results"]]
