"""The `/redmine` dispatch: every command type reaches its own listener, and only that one.

mypy proves the `match` complete (`assert_never`); this proves each case calls the right
listener, by running the dispatch for one instance of every type in `grammar.Command`.
"""

from __future__ import annotations

import dataclasses
import inspect
from decimal import Decimal
from typing import Any, get_args

import pytest

from bot.domain.timesheet import Period
from bot.inputs import grammar
from handlers import commands

COMMAND_TYPES: tuple[type[Any], ...] = get_args(grammar.Command)
# A sample value for every field name a command type has; a new field needs one here.
FIELD_SAMPLES: dict[str, object] = {
    "topic": None,
    "words": "alpha Printer jams",
    "issue_id": 42,
    "text": "a note",
    "hours": Decimal("1.5"),
    "hours_text": "1h30",
    "rest": "development",
    "project": "alpha",
    "filters": ("threads:off",),
    "period": Period("week"),
    "person": None,
    "at": (17, 30),
}


def sample(command_type: type[Any]) -> grammar.Command:
    values = {f.name: FIELD_SAMPLES[f.name] for f in dataclasses.fields(command_type)}
    made: grammar.Command = command_type(**values)
    return made


def listener_name(command_type: type[Any]) -> str:
    return f"on_{command_type.__name__.lower()}"


def test_every_command_type_has_a_module_level_listener() -> None:
    assert len(COMMAND_TYPES) == 16
    for command_type in COMMAND_TYPES:
        listener = getattr(commands, listener_name(command_type), None)
        assert inspect.iscoroutinefunction(listener), command_type.__name__


@pytest.mark.parametrize("command_type", COMMAND_TYPES, ids=lambda t: t.__name__)
async def test_the_dispatch_calls_the_listener_of_the_commands_type(
    command_type: type[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    called: list[tuple[str, object]] = []
    for other in COMMAND_TYPES:
        name = listener_name(other)

        async def record(parsed: object, asked: object, name: str = name) -> None:
            called.append((name, parsed))

        monkeypatch.setattr(commands, name, record)
    parsed = sample(command_type)
    await commands.dispatch(parsed, object())  # type: ignore[arg-type]
    assert called == [(listener_name(command_type), parsed)]
