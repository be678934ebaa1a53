"""Journals (an issue's history entries): editing a note after the fact.

`PUT /journals/:id.json` with `{"journal": {"notes": ...}}` exists since Redmine 5.0
(checked against 5.0.4): the note's author may edit it with "Edit own notes", anyone with
"Edit notes". Emptying the notes of a journal that has no field changes deletes the
journal on 5.0 and 6.0 (a later edit answers 404); Redmine 6.1 keeps it but leaves it out
of `include=journals`, and a later edit with notes answers 204 and shows it again (checked
against 6.1.5). One with changes (details) is kept with empty notes everywhere.
"""

from __future__ import annotations

from bot.redmine.base import ResourceGroup

JOURNAL = "/journals/{id}.json"


class Journals(ResourceGroup):
    async def update_notes(self, journal_id: int, notes: str) -> None:
        await self.client.put(JOURNAL.format(id=journal_id), {"journal": {"notes": notes}})
