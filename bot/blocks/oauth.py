"""What a person sees of "Connect with Redmine": the link button in Slack, the plain page
the browser shows when Redmine sends them back, and the DM that says who they now are.

The page is the one piece of HTML this service serves: built here from fixed sentences,
every value in it escaped, no script, and nothing from the request but what is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from bot.blocks.common import plain
from bot.i18n import N_, _
from bot.slack import limits

CONNECT_OAUTH_ACTION = "connect_oauth"  # the link button; Slack still sends it to be acked
CONNECT_LABEL = N_("Connect with Redmine")
OAUTH_LEAD = N_(
    "*Connect with Redmine*: sign in to Redmine and approve access there; no key to copy."
)
# The page's markup; its words are the title and the sentence, each escaped into it.
PAGE = (
    "<!doctype html>\n"
    '<html><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    '<meta name="referrer" content="no-referrer">'
    "<title>{title}</title></head>\n"
    '<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto; padding: 0 1em">\n'
    "<h1>{title}</h1>\n<p>{sentence}</p>\n</body></html>\n"
)

CONNECTED_TITLE = N_("Connected to Redmine")
NOT_CONNECTED_TITLE = N_("Not connected to Redmine")
CONNECTED_PAGE = N_(
    "From now on you act in Redmine as {login} ({name}) from Slack, with the access you "
    "approved. You can close this tab and go back to Slack."
)
CONNECTED_DM = N_(
    "You're connected: from now on you act in Redmine as `{login}` ({name}), with the "
    "access you approved in Redmine. `/redmine disconnect` undoes it."
)
AGAIN = N_("Nothing was stored. Start again with /redmine connect in Slack.")
# One sentence per way the callback can fail (bot.people.oauth.Failure); each ends with
# what was (not) stored and what to do.
FAILURES: dict[str, str] = {
    "state_invalid": N_("This link did not come from redmine-slack, or it was changed on the way."),
    "state_expired": N_(
        "This link ran out: a Connect button works for an hour, and a sign-in must be "
        "finished within 10 minutes."
    ),
    "state_replayed": N_("This sign-in was already used once; a sign-in link works only one time."),
    "denied": N_("You did not allow redmine-slack in Redmine."),
    "redmine_error": N_(
        "Redmine did not let the sign-in through ({detail}). If it keeps happening, ask "
        "your Redmine administrator to check the application's redirect URI and scopes."
    ),
    "no_code": N_("Redmine sent no authorization code back."),
    "exchange_refused": N_(
        "Redmine refused to finish the sign-in ({detail}). If it keeps happening, ask "
        "whoever runs redmine-slack to check REDMINE_OAUTH_CLIENT_ID and "
        "REDMINE_OAUTH_CLIENT_SECRET."
    ),
    "unreachable": N_("redmine-slack could not reach Redmine to finish the sign-in."),
    "account_unreadable": N_(
        "Redmine issued access but would not say whose account it is; ask your Redmine "
        "administrator to check that the REST API is enabled."
    ),
    "not_configured": N_("Connect with Redmine is not set up on this service."),
}
# Our side or the person's: 400; Redmine's side: 502 (a gateway that got a bad answer).
REDMINE_SIDE = frozenset({"exchange_refused", "unreachable", "account_unreadable"})


@dataclass(frozen=True)
class Page:
    status: int
    html: str


def connect_button(url: str) -> dict[str, Any]:
    """A link button to our own start URL (docs.slack.dev/reference/block-kit/
    block-elements/button-element: `url` up to 3000 characters; the click is still sent
    to the app, which acks it)."""
    return {
        "type": "button",
        "text": plain(_(CONNECT_LABEL), limits.BUTTON_TEXT),
        "action_id": CONNECT_OAUTH_ACTION,
        "url": url[:3000],
        "style": "primary",
    }


def connect_blocks(url: str) -> list[dict[str, Any]]:
    """A sentence and the button beside it."""
    return [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": _(OAUTH_LEAD)},
            "accessory": connect_button(url),
        }
    ]


def connected_text(login: str, name: str) -> str:
    return _(CONNECTED_DM, login=login, name=name)


def connected_page(login: str, name: str) -> Page:
    return Page(200, _page(_(CONNECTED_TITLE), _(CONNECTED_PAGE, login=login, name=name)))


def failed_page(failure: str, detail: str = "") -> Page:
    said = _(FAILURES.get(failure, FAILURES["state_invalid"]), detail=detail or failure)
    if failure != "not_configured":
        said = f"{said} {_(AGAIN)}"
    status = 502 if failure in REDMINE_SIDE else 404 if failure == "not_configured" else 400
    return Page(status, _page(_(NOT_CONNECTED_TITLE), said))


def _page(title: str, sentence: str) -> str:
    return PAGE.format(title=escape(title), sentence=escape(sentence))
