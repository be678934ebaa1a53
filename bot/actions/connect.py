"""Who the person acts as in Redmine: check a personal key (the command's modal and its
submission), say who they are, forget them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.actions.ack_budget import REDMINE_SLOW, AckBudget
from bot.actions.errors import UserFacingError, describe
from bot.i18n import _
from bot.inputs.forms import ConnectForm
from bot.people.identity import Identity, IdentityResolver, NotLinked
from bot.redmine.errors import RedmineError


@dataclass(frozen=True)
class Disconnected:
    existed: bool  # False: there was no connected account to forget


async def connect(identities: IdentityResolver, slack_user_id: str, api_key: str) -> Identity:
    """Check the key with Redmine (`/my/account.json`) and remember whose it is.

    Raises NotLinked with the sentence to show when Redmine refuses the key.
    """
    return await identities.connect(slack_user_id, api_key)


async def connect_in_time(
    identities: IdentityResolver, slack_user_id: str, form: ConnectForm, budget: AckBudget
) -> Identity:
    """The connect form: checked before the ack, inside the submission's budget, so a bad
    key gets its field error in the form the person is still looking at.

    The person's new identity, or UserFacingError saying what to do about the key.
    """
    try:
        return await budget.run(connect(identities, slack_user_id, form.api_key))
    except NotLinked as error:
        raise UserFacingError(error.message) from None
    except TimeoutError:
        raise UserFacingError(_(REDMINE_SLOW)) from None
    except RedmineError as error:
        raise UserFacingError(describe(error)) from None


async def whoami(identities: IdentityResolver, slack_user_id: str) -> Identity:
    return await identities.resolve(slack_user_id)


async def disconnect(identities: IdentityResolver, slack_user_id: str) -> Disconnected:
    return Disconnected(await identities.disconnect(slack_user_id))
