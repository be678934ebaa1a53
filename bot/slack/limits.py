"""Slack's documented limits, the one table every builder and reader takes them from.

Each comes from Slack's Block Kit and API reference (docs.slack.dev/reference) and is
the same number Slack's own python-slack-sdk enforces in `slack_sdk.models`; the
contract test tests/contract/test_limits.py checks every value here against that
package, so a limit cannot drift from what Slack publishes.
"""

from __future__ import annotations

from typing import Final

from bot.i18n import _

# -- views (reference/views/modal-view; slack_sdk.models.views.View) --------------------
VIEW_TITLE: Final = 24  # title, submit and close texts
VIEW_BUTTON_TEXT: Final = 24  # submit and close
VIEW_BLOCKS: Final = 100  # blocks in a modal
PRIVATE_METADATA: Final = 3000
CALLBACK_ID: Final = 255

# -- blocks (reference/block-kit/blocks; slack_sdk.models.blocks.blocks) ----------------
MESSAGE_BLOCKS: Final = 50  # blocks in one message
BLOCK_ID: Final = 255
SECTION_TEXT: Final = 3000
INPUT_LABEL: Final = 2000
INPUT_HINT: Final = 2000
CONTEXT_ELEMENTS: Final = 10
ACTIONS_ELEMENTS: Final = 25

# -- elements (reference/block-kit/block-elements; slack_sdk.models.blocks.block_elements)
ACTION_ID: Final = 255
PLACEHOLDER: Final = 150
BUTTON_TEXT: Final = 75
BUTTON_VALUE: Final = 2000
SELECT_OPTIONS: Final = 100  # options in a static select, or one external options answer
CHECKBOX_OPTIONS: Final = 10
PLAIN_TEXT_INPUT: Final = 3000  # a plain_text_input's largest max_length

# -- composition objects (reference/block-kit/composition-objects/option-object) --------
OPTION_TEXT: Final = 75  # also for checkboxes: every option object shares it
OPTION_VALUE: Final = 150

# -- interactions (interactivity/handling) ----------------------------------------------
ACK_SECONDS: Final = 3.0  # an interaction must be acknowledged within this long
TRIGGER_SECONDS: Final = 3.0  # a trigger_id opens a view within this long, or never

# -- link unfurls (reference/methods/chat.unfurl, "Usage info"): Slack unfurls at most
# five links per message, so at most five are answered.
UNFURLS_PER_MESSAGE: Final = 5

# -- Redmine's own limits (not Slack's; kept here so each number exists once) ------------
# app/models/issue.rb: validates_length_of :subject, maximum: 255.
REDMINE_SUBJECT: Final = 255
# app/models/time_entry.rb: validates_length_of :comments, maximum: 1024.
REDMINE_TIME_COMMENT: Final = 1024


def too_long_for_redmine(length: int, limit: int) -> str:
    """The one wording for text Redmine would refuse as too long."""
    return _(
        "Redmine takes at most {limit} characters; this is {length}.", limit=limit, length=length
    )
