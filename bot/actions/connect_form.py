"""A person links their own Redmine account by pasting their API key.

Checked with Redmine before the ack, inside the submission's budget, so a bad key
gets its field error in the form the person is still looking at.
"""

from __future__ import annotations

from bot.actions.ack_budget import REDMINE_SLOW, AckBudget
from bot.actions.errors import UserFacingError, describe
from bot.forms import ConnectForm
from bot.identity import Identity, IdentityResolver, NotLinked
from bot.redmine.errors import RedmineError


async def connect_in_time(
    identity: IdentityResolver, slack_user_id: str, form: ConnectForm, budget: AckBudget
) -> Identity:
    """The person's new identity, or UserFacingError saying what to do about the key."""
    try:
        return await budget.run(identity.connect(slack_user_id, form.api_key))
    except NotLinked as error:
        raise UserFacingError(error.message) from None
    except TimeoutError:
        raise UserFacingError(REDMINE_SLOW) from None
    except RedmineError as error:
        raise UserFacingError(describe(error)) from None
