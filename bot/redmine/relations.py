"""Issue relations."""

from __future__ import annotations

from bot.redmine.base import ResourceGroup
from bot.redmine.models import IssueRelation

ISSUE_RELATIONS = "/issues/{issue}/relations.json"
RELATION = "/relations/{id}.json"

RELATION_TYPES = frozenset(
    {
        "relates",
        "duplicates",
        "duplicated",
        "blocks",
        "blocked",
        "precedes",
        "follows",
        "copied_to",
        "copied_from",
    }
)


class IssueRelations(ResourceGroup):
    async def all(self, issue_id: int) -> list[IssueRelation]:
        return await self.read_list(
            ISSUE_RELATIONS.format(issue=issue_id), "relations", IssueRelation
        )

    async def get(self, relation_id: int) -> IssueRelation:
        return await self.read_one(RELATION.format(id=relation_id), "relation", IssueRelation)

    async def create(
        self,
        issue_id: int,
        issue_to_id: int,
        relation_type: str = "relates",
        *,
        delay: int | None = None,
    ) -> IssueRelation:
        if relation_type not in RELATION_TYPES:
            raise ValueError(f"unknown relation type {relation_type!r}")
        relation: dict[str, object] = {"issue_to_id": issue_to_id, "relation_type": relation_type}
        if delay is not None:
            relation["delay"] = delay
        body = await self.client.post(
            ISSUE_RELATIONS.format(issue=issue_id), {"relation": relation}
        )
        return IssueRelation.model_validate(body["relation"])

    async def delete(self, relation_id: int) -> None:
        await self.client.delete(RELATION.format(id=relation_id))
