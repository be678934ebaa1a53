"""Dependencies point one way: handlers -> actions -> blocks, redmine, store, text.

bot.notify (the poller, what runs without a person asking) sits beside bot.actions;
neither may be imported by the lower packages, and actions never reaches sideways into
notify, nor up into handlers.

Read from the source with `ast` (no import side effects), counting every import: at
module level, inside functions and under `if TYPE_CHECKING:` alike, since a type-only
import still ties two packages together for mypy and for readers.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Each subpackage of bot is one unit; each top-level module of bot is a unit of its own.
BOT_PACKAGES = sorted(p.name for p in (ROOT / "bot").iterdir() if (p / "__init__.py").exists())
# These build on data and must never reach up to what uses them.
LOWER_PACKAGES = (
    "bot.blocks",
    "bot.domain",
    "bot.i18n",
    "bot.inputs",
    "bot.people",
    "bot.redmine",
    "bot.slack",
    "bot.store",
    "bot.text",
)
UPPER_PACKAGES = ("bot.actions", "bot.notify", "handlers")
# What an action may not import: the surfaces above it and the packages beside it.
NOT_BELOW_ACTIONS = ("bot.notify", "handlers")

# bot/cli.py, the `redmine-slack` entry point, hands handlers.register_all to the app
# (a lazy import in `serve`/`web`): the composition root. It belongs with the same move
# (the runner into cli.py, issue 10), which is where the entry point learns its
# registrar without bot/ importing handlers/. Delete this entry then.
KNOWN_HANDLERS_IMPORTS = {("bot.cli", "handlers")}

Edge = tuple[str, str]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    files = [*(ROOT / "bot").rglob("*.py"), *(ROOT / "handlers").rglob("*.py")]
    return {module_name(path): path for path in files}


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imported_modules(module: str, path: Path, known: Iterable[str]) -> set[str]:
    """The project modules `module` imports (`from a import b` counts a.b if b is one)."""
    names = set(known)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        candidates: list[str] = []
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, path, node)
            # `from bot.blocks import issues` means the module bot.blocks.issues;
            # `from bot.text import escape_mrkdwn` means bot.text.
            candidates = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in names else base
                for alias in node.names
            ]
        for candidate in candidates:
            # `import bot.blocks.issues` also names its parents; the deepest one is meant.
            while candidate and candidate not in names:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != module:
                found.add(candidate)
    return found


def module_edges() -> set[Edge]:
    modules = project_modules()
    return {
        (module, target)
        for module, path in modules.items()
        for target in imported_modules(module, path, modules)
    }


def unit_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "handlers":
        return "handlers"
    if len(parts) >= 2 and parts[1] in BOT_PACKAGES:
        return f"bot.{parts[1]}"
    return module


def unit_graph(edges: Iterable[Edge]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        a, b = unit_of(source), unit_of(target)
        graph.setdefault(a, set())
        graph.setdefault(b, set())
        if a != b:
            graph[a].add(b)
    return graph


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def explain(edges: Iterable[Edge], units: set[str]) -> list[str]:
    return sorted(f"{a} -> {b}" for a, b in edges if unit_of(a) in units and unit_of(b) in units)


# -- the checker itself, on graphs whose answer is known -----------------------------------


def test_cycle_finder_finds_a_two_package_cycle_and_ignores_a_chain() -> None:
    graph = {"a": {"b"}, "b": {"a", "c"}, "c": {"d"}, "d": set()}
    assert cycles(graph) == [["a", "b"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_imports_are_read_with_their_module_and_relative_form(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "import bot.text\n"
        "from bot.blocks import issues\n"
        "if TYPE_CHECKING:\n"
        "    from bot.redmine.models import Issue\n"
        "def later() -> None:\n"
        "    from . import common\n"
    )
    known = {"bot.text", "bot.blocks", "bot.blocks.issues", "bot.blocks.common", "bot.redmine"}
    assert imported_modules("bot.blocks.m", source, known) == {
        "bot.text",
        "bot.blocks.issues",
        "bot.redmine",
        "bot.blocks.common",
    }


def test_the_real_graph_is_read() -> None:
    edges = module_edges()
    assert ("bot.blocks.issues", "bot.text") in edges
    assert ("handlers.shortcuts", "bot.slack.messages") in edges
    assert ("bot.slack.door.route", "bot.slack.door.verify") in edges
    assert {
        "bot.actions",
        "bot.blocks",
        "bot.domain",
        "bot.inputs",
        "bot.notify",
        "bot.people",
        "bot.redmine",
        "bot.slack",
        "bot.store",
        "bot.text",
    } <= {f"bot.{name}" for name in BOT_PACKAGES}


# -- the rules ------------------------------------------------------------------------------


def test_bot_never_imports_handlers() -> None:
    offending = {
        (a, b)
        for a, b in module_edges()
        if a.startswith("bot") and unit_of(b) == "handlers" and (a, b) not in KNOWN_HANDLERS_IMPORTS
    }
    assert sorted(offending) == []


def test_no_import_cycle_between_bots_packages_and_modules() -> None:
    edges = module_edges()
    found = cycles(unit_graph(edges))
    assert found == [], [explain(edges, set(component)) for component in found]


def test_lower_packages_never_import_actions_notify_or_handlers() -> None:
    offending = sorted(
        f"{a} -> {b}"
        for a, b in module_edges()
        if unit_of(a) in LOWER_PACKAGES and unit_of(b) in UPPER_PACKAGES
    )
    assert offending == []


def test_actions_import_only_what_lies_below_them() -> None:
    offending = sorted(
        f"{a} -> {b}"
        for a, b in module_edges()
        if unit_of(a) == "bot.actions" and unit_of(b) in NOT_BELOW_ACTIONS
    )
    assert offending == []


def test_the_command_listeners_reach_redmine_through_the_actions() -> None:
    edges = module_edges()
    assert ("handlers.commands", "bot.actions.create_issue") in edges
    assert ("bot.actions.create_issue", "bot.redmine") in edges
    # The listeners hold no Redmine logic of their own: no resource module, no errors tree.
    assert not {b for a, b in edges if a == "handlers.commands" and b.startswith("bot.redmine.")}


# -- each package says what it may import, and says it truly --------------------------------

ROOT_MODULES = {"app", "check", "cli", "config", "logging", "metrics", "services"}


def declared_imports(package: Path) -> set[str] | None:
    """The units a package's docstring allows after "May import:", or None if it says none."""
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text())) or ""
    _, found, allowed = doc.partition("May import:")
    if not found:
        return None
    words = " ".join(allowed.split())
    if words.startswith("nothing"):
        return set()
    return {word.strip(" .,") for word in words.split() if word.strip(" .,").startswith("bot.")}


def test_bots_root_holds_the_composition_root_and_operations_only() -> None:
    modules = {p.stem for p in (ROOT / "bot").glob("*.py")} - {"__init__"}
    assert modules == ROOT_MODULES


def test_every_package_says_what_it_may_import_and_imports_no_more() -> None:
    graph = unit_graph(module_edges())
    packages = [ROOT / "bot" / name for name in BOT_PACKAGES] + [ROOT / "handlers"]
    undeclared = [p.relative_to(ROOT).as_posix() for p in packages if declared_imports(p) is None]
    assert undeclared == []
    overreach = {
        unit: sorted(graph.get(unit, set()) - allowed)
        for package in packages
        if (allowed := declared_imports(package)) is not None
        and graph.get(
            unit := "handlers" if package.name == "handlers" else f"bot.{package.name}", set()
        )
        - allowed
    }
    assert overreach == {}


def test_the_declared_imports_are_read_from_the_docstring(tmp_path: Path) -> None:
    (tmp_path / "__init__.py").write_text(
        '"""Words.\n\nMay import: bot.redmine,\nbot.store.\n"""\n'
    )
    assert declared_imports(tmp_path) == {"bot.redmine", "bot.store"}
    (tmp_path / "__init__.py").write_text('"""Words.\n\nMay import: nothing else of bot.\n"""\n')
    assert declared_imports(tmp_path) == set()
    (tmp_path / "__init__.py").write_text('"""Words only."""\n')
    assert declared_imports(tmp_path) is None
