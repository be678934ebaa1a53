"""Which catalog speaks to a Slack locale.

Slack writes a person's locale as a BCP 47 tag such as `en-US` or `ja-JP` (users.info
with `include_locale=true`; slackapi/slack-api-specs web-api/slack_web_openapi_v2.json,
`objs_user.locale`, example "en-US"). A tag is matched by language and, where one
language has several catalogs' worth of difference, by script or territory:

- `pt-PT`, `pt` -> `pt_BR` (the one Portuguese catalog); `es-LA`, `es-MX` -> `es`;
- `zh-CN`, `zh-SG`, `zh-Hans` -> `zh_Hans`; Traditional Chinese (`zh-TW`, `zh-HK`,
  `zh-Hant`) has no catalog and is not shown Simplified: it falls to the default;
- anything else unknown (`sw`, `""`, garbage) -> the default, then English.
"""

from __future__ import annotations

import re
from typing import Final

SOURCE_LANGUAGE: Final = "en"
# Every catalog the app ships, by its directory name under locales/.
LANGUAGES: Final = ("en", "ja", "de", "fr", "es", "pt_BR", "ru", "zh_Hans")

# One catalog per language; the catalog a language falls back to.
_BY_LANGUAGE: Final = {name.split("_")[0]: name for name in LANGUAGES}
_TRADITIONAL: Final = {"TW", "HK", "MO"}
_TAG: Final = re.compile(r"[A-Za-z0-9]+")


def _subtags(tag: str) -> tuple[str, str, str]:
    """(language, script, territory) of a tag, the parts it lacks empty."""
    parts = _TAG.findall(tag)
    if not parts:
        return "", "", ""
    language, script, territory = parts[0].lower(), "", ""
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha() and not script:
            script = part.title()
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            territory = territory or part.upper()
    return language, script, territory


def catalog_for(tag: str | None) -> str | None:
    """The catalog that speaks to `tag`, or None when the app has none for it."""
    if not tag:
        return None
    language, script, territory = _subtags(tag)
    if language == "zh" and (script == "Hant" or (not script and territory in _TRADITIONAL)):
        return None
    return _BY_LANGUAGE.get(language)


def pick_locale(wanted: str | None, default: str | None = SOURCE_LANGUAGE) -> str:
    """The catalog for `wanted` (a Slack locale), else for `default`, else English."""
    return catalog_for(wanted) or catalog_for(default) or SOURCE_LANGUAGE
