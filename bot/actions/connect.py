"""Who the person acts as in Redmine: check a personal key, say who they are, forget them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.identity import Identity, IdentityResolver


@dataclass(frozen=True)
class Disconnected:
    existed: bool  # False: there was no connected account to forget


async def connect(identities: IdentityResolver, slack_user_id: str, api_key: str) -> Identity:
    """Check the key with Redmine (`/my/account.json`) and remember whose it is.

    Raises NotLinked with the sentence to show when Redmine refuses the key.
    """
    return await identities.connect(slack_user_id, api_key)


async def whoami(identities: IdentityResolver, slack_user_id: str) -> Identity:
    return await identities.resolve(slack_user_id)


async def disconnect(identities: IdentityResolver, slack_user_id: str) -> Disconnected:
    return Disconnected(await identities.disconnect(slack_user_id))
