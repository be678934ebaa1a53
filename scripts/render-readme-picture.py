#!/usr/bin/env python3
"""Draw docs/card-and-thread.png, the README's picture, from the app's own Block Kit.

The blocks come from the real builders (bot.blocks.notifications: the card that starts
an issue's thread, then one message per journal, the journals turned into change lines
by bot.notify.events), fed with a realistic issue. They are drawn as HTML that looks
like Slack (mrkdwn bold, italics, links, code, dates; fields, context, buttons) and
screenshotted with headless Chromium, so the picture changes when the builders do.

    .venv/bin/python scripts/render-readme-picture.py [--html-only] [--out PATH]

Needs Chromium (Debian: apt-get install -y chromium).
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.blocks.common import Block  # noqa: E402
from bot.blocks.notifications import change_message, new_issue_message  # noqa: E402
from bot.config import TextFormatting  # noqa: E402
from bot.notify.events import journal_event  # noqa: E402
from bot.redmine.models import Issue, Journal  # noqa: E402

BASE_URL = "https://redmine.example.com"
CHANNEL = "web-shop"
OUT = ROOT / "docs" / "card-and-thread.png"
WINDOW = (1280, 980)

STATUSES = {"1": "New", "2": "In Progress", "3": "Resolved", "5": "Closed"}
USERS = {"7": "Dana Whitfield", "9": "Sam Ortiz"}


class DemoNames:
    """The names a real cycle would resolve through bot.notify.names, for this demo."""

    def status(self, status_id: str | None) -> str:
        return STATUSES.get(status_id or "", "")

    def is_closed(self, status_id: str | None) -> bool:
        return status_id == "5"

    def tracker(self, tracker_id: str | None) -> str:
        return {"1": "Bug", "2": "Feature"}.get(tracker_id or "", "")

    def priority(self, priority_id: str | None) -> str:
        return {"2": "Normal", "3": "High"}.get(priority_id or "", "")

    def user(self, user_id: str | None) -> str:
        return USERS.get(user_id or "", "")

    def version(self, version_id: str | None) -> str:
        return "2.4" if version_id else ""

    def category(self, category_id: str | None) -> str:
        return "Checkout" if category_id else ""

    def project(self, project_id: str | None) -> str:
        return "Web shop" if project_id else ""

    def custom_field(self, field_id: str) -> str:
        return f"Field {field_id}"


def demo_issue() -> Issue:
    return Issue.model_validate(
        {
            "id": 4211,
            "project": {"id": 3, "name": "Web shop"},
            "tracker": {"id": 1, "name": "Bug"},
            "status": {"id": 2, "name": "In Progress"},
            "priority": {"id": 3, "name": "High"},
            "author": {"id": 9, "name": "Sam Ortiz"},
            "assigned_to": {"id": 7, "name": "Dana Whitfield"},
            "subject": "Checkout times out for carts over 50 items",
            "description": "Customers with big carts get a *504* after 30 s at the payment step.",
            "due_date": date(2026, 12, 11).isoformat(),
            "done_ratio": 30,
            "updated_on": datetime(2026, 12, 7, 10, 42, tzinfo=UTC).isoformat(),
        }
    )


def demo_journals() -> list[Journal]:
    return [
        Journal.model_validate(
            {
                "id": 18803,
                "user": {"id": 7, "name": "Dana Whitfield"},
                "notes": "Reproduced on staging: the tax service is called once *per item*. "
                "Batching the call now.",
                "details": [
                    {"property": "attr", "name": "status_id", "old_value": "1", "new_value": "2"},
                    {
                        "property": "attr",
                        "name": "assigned_to_id",
                        "old_value": None,
                        "new_value": "7",
                    },
                ],
            }
        ),
        Journal.model_validate(
            {
                "id": 18811,
                "user": {"id": 7, "name": "Dana Whitfield"},
                "notes": "",
                "details": [
                    {"property": "attr", "name": "done_ratio", "old_value": "0", "new_value": "30"},
                    {"property": "attachment", "name": "88", "new_value": "checkout-trace.har"},
                ],
            }
        ),
        Journal.model_validate(
            {
                "id": 18820,
                "user": {"id": 9, "name": "Sam Ortiz"},
                "notes": "Thanks! A test with 60 items would keep it fixed.",
                "details": [],
            }
        ),
    ]


def thread_messages() -> tuple[list[Block], list[list[Block]]]:
    """The thread's root card and its replies, as the poller posts them (as the app)."""
    issue = demo_issue()
    _, root = new_issue_message(issue, BASE_URL, TextFormatting.textile)
    replies = []
    for journal in demo_journals():
        event = journal_event(journal, DemoNames())
        _, blocks = change_message(issue, event, BASE_URL, TextFormatting.textile, in_thread=True)
        replies.append(blocks)
    return root, replies


# --- mrkdwn -> HTML -------------------------------------------------------------------

_ANGLE = re.compile(r"<([^<>]+)>")
_DATE = re.compile(r"^!date\^(\d+)\^[^|]*\|(.*)$")
_EMOJI = {"lock": "🔒", "white_check_mark": "✅", "memo": "📝", "paperclip": "📎"}


def _inline(text: str) -> str:
    """Bold, italics, strike and code in text that holds no `<...>` any more."""
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"<b>\1</b>", text)
    text = re.sub(r"(?<![\w_])_([^_\n]+)_(?![\w_])", r"<i>\1</i>", text)
    text = re.sub(r"(?<![\w~])~([^~\n]+)~(?![\w~])", r"<s>\1</s>", text)
    text = re.sub(r":([a-z_]+):", lambda m: _EMOJI.get(m.group(1), m.group(0)), text)
    return text.replace("\n", "<br>")


def _angle(inner: str) -> str:
    """Slack's `<url|label>`, `<@U1>` and `<!date^...|fallback>` as HTML."""
    if found := _DATE.match(inner):
        when = datetime.fromtimestamp(int(found.group(1)), UTC)
        return f"{when:%b} {when.day} at {when:%H:%M}"
    if inner.startswith("@"):
        return f'<span class="mention">@{inner[1:]}</span>'
    url, _, label = inner.partition("|")
    return f'<a href="{url}">{label or url}</a>'


def mrkdwn(text: str) -> str:
    """Slack's mrkdwn as HTML. The builders escaped `&`, `<`, `>` as entities already, so
    the text between links goes in as it is, and entities show as the characters. Links
    are set aside first, so `*<url|label>*` reads as a bold link."""
    links: list[str] = []

    def set_aside(found: re.Match[str]) -> str:
        links.append(_angle(found.group(1)))
        return f"\x00{len(links) - 1}\x00"

    styled = _inline(_ANGLE.sub(set_aside, text))
    return re.sub(r"\x00(\d+)\x00", lambda m: links[int(m.group(1))], styled)


def element(item: dict[str, Any]) -> str:
    if item["type"] == "button":
        style = f" {item['style']}" if item.get("style") else ""
        return f'<span class="button{style}">{html.escape(item["text"]["text"])}</span>'
    if item["type"] in {"external_select", "static_select"}:
        label = html.escape(item.get("placeholder", {}).get("text", "Select"))
        return f'<span class="select">{label} <span class="caret">⌄</span></span>'
    return ""


def block(item: Block) -> str:
    kind = item["type"]
    if kind == "section" and "fields" in item:
        fields = "".join(f'<div class="field">{mrkdwn(f["text"])}</div>' for f in item["fields"])
        return f'<div class="fields">{fields}</div>'
    if kind == "section":
        return f'<div class="section">{mrkdwn(item["text"]["text"])}</div>'
    if kind == "context":
        texts = " ".join(mrkdwn(e["text"]) for e in item["elements"] if e["text"].strip())
        return f'<div class="context">{texts}</div>' if texts else ""
    if kind == "actions":
        return f'<div class="actions">{"".join(element(e) for e in item["elements"])}</div>'
    if kind == "divider":
        return "<hr>"
    return ""


def message(who: str, when: str, blocks: list[Block], *, app: bool) -> str:
    initials = "R" if app else "".join(word[0] for word in who.split()[:2])
    badge = '<span class="app">APP</span>' if app else ""
    body = "".join(block(b) for b in blocks)
    avatar = "avatar app-avatar" if app else "avatar"
    return (
        f'<div class="message"><div class="{avatar}">{initials}</div><div class="body">'
        f'<div class="meta"><b>{html.escape(who)}</b>{badge}<span class="time">{when}</span>'
        f"</div>{body}</div></div>"
    )


CSS = """
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.46 -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans",
  sans-serif; color: #1d1c1d; background: #3f0e40; }
.window { display: flex; height: 100vh; padding: 10px; gap: 10px; }
.pane { background: #fff; border-radius: 8px; overflow: hidden; display: flex;
  flex-direction: column; }
.channel { flex: 1.15; } .thread { flex: 1; }
.header { padding: 14px 20px; border-bottom: 1px solid #e2e2e2; font-weight: 700;
  font-size: 17px; }
.header small { font-weight: 400; color: #616061; margin-left: 8px; font-size: 13px; }
.scroll { padding: 8px 0; }
.message { display: flex; gap: 10px; padding: 8px 20px; }
.avatar { flex: none; width: 36px; height: 36px; border-radius: 6px; background: #2eb67d;
  color: #fff; font-weight: 700; display: flex; align-items: center; justify-content: center;
  font-size: 14px; }
.app-avatar { background: #b3262d; }
.body { flex: 1; min-width: 0; }
.meta { margin-bottom: 2px; } .meta b { font-size: 15px; }
.app { background: #e8e8e8; color: #616061; font-size: 10px; font-weight: 700;
  padding: 1px 4px; border-radius: 3px; margin-left: 6px; vertical-align: 2px; }
.time { color: #616061; font-size: 12px; margin-left: 8px; }
.section { margin: 2px 0 6px; }
.fields { display: grid; grid-template-columns: 1fr 1fr; gap: 6px 16px; margin: 6px 0 8px; }
.context { color: #616061; font-size: 12.5px; margin: 4px 0; }
.context a { color: #1264a3; }
a { color: #1264a3; text-decoration: none; }
code { font: 12px Menlo, "DejaVu Sans Mono", monospace; color: #e01e5a; background: #f6f6f6;
  border: 1px solid #e2e2e2; border-radius: 3px; padding: 1px 3px; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0 4px; }
.button, .select { border: 1px solid #c7c7c7; border-radius: 4px; padding: 4px 12px;
  font-size: 13.5px; font-weight: 700; background: #fff; white-space: nowrap; }
.select { font-weight: 400; color: #616061; } .caret { margin-left: 10px; }
.replies { display: flex; align-items: center; gap: 8px; margin-top: 6px; font-size: 13px; }
.replies b { color: #1264a3; } .replies span { color: #616061; }
.mini { width: 22px; height: 22px; border-radius: 4px; background: #2eb67d; color: #fff;
  font-size: 10px; font-weight: 700; display: inline-flex; align-items: center;
  justify-content: center; }
.count { color: #616061; font-size: 13px; padding: 6px 20px; display: flex;
  align-items: center; gap: 10px; } .count hr { flex: 1; border: 0;
  border-top: 1px solid #e2e2e2; }
.composer { margin: auto 20px 16px; border: 1px solid #c7c7c7; border-radius: 8px;
  padding: 10px 12px; color: #8d8d8d; font-size: 14px; }
"""


def page() -> str:
    root, replies = thread_messages()
    when = ["10:41", "10:42", "10:58", "11:20"]
    card = message("Redmine", when[0], root, app=True)
    replied = (
        '<div class="replies"><span class="mini" style="background:#b3262d">R</span>'
        f"<b>{len(replies)} replies</b><span>Last reply today at {when[-1]}</span></div>"
    )
    # The message ends by closing its body and itself: the replies line goes in the body.
    channel_card = card[: -len("</div></div>")] + replied + "</div></div>"
    thread = "".join(
        message("Redmine", when[i + 1], blocks, app=True) for i, blocks in enumerate(replies)
    )
    sam_asks = message(
        "Sam Ortiz",
        "10:40",
        [{"type": "section", "text": {"type": "mrkdwn", "text": "Big carts time out again :("}}],
        app=False,
    )
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>{CSS}</style></head>
<body><div class="window">
<div class="pane channel"><div class="header"># {CHANNEL}<small>subscribed to Web shop</small>
</div><div class="scroll">{sam_asks}{channel_card}</div>
<div class="composer">Message #{CHANNEL}</div></div>
<div class="pane thread"><div class="header">Thread<small># {CHANNEL}</small></div>
<div class="scroll">{message("Redmine", when[0], root, app=True)}
<div class="count">{len(replies)} replies<hr></div>{thread}</div>
<div class="composer">Reply…</div></div>
</div></body></html>"""


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("Chromium is not installed (Debian: apt-get install -y chromium).")


def screenshot(source: Path, out: Path) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--screenshot={out}",
                f"--window-size={WINDOW[0]},{WINDOW[1]}",
                source.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--html-only", action="store_true", help="write the HTML, no PNG")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "picture.html"
        source.write_text(page(), encoding="utf-8")
        if args.html_only:
            target = args.out.with_suffix(".html")
            shutil.copy(source, target)
            print(target)
            return 0
        screenshot(source, args.out)
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
