"""Project files (the Files module) and saved queries."""

from __future__ import annotations

from typing import Any

from bot.redmine.base import ResourceGroup
from bot.redmine.models import ProjectFile, Query, Upload

PROJECT_FILES = "/projects/{project}/files.json"
QUERIES = "/queries.json"


class Files(ResourceGroup):
    async def all(self, project: int | str) -> list[ProjectFile]:
        return await self.read_list(PROJECT_FILES.format(project=project), "files", ProjectFile)

    async def create(
        self,
        project: int | str,
        upload: Upload,
        *,
        filename: str | None = None,
        version_id: int | None = None,
        description: str | None = None,
    ) -> None:
        """Publish an uploaded file (see `Uploads.upload`) in the project's Files."""
        file: dict[str, Any] = {"token": upload.token}
        for key, value in (
            ("filename", filename),
            ("version_id", version_id),
            ("description", description),
        ):
            if value is not None:
                file[key] = value
        await self.client.post(PROJECT_FILES.format(project=project), {"file": file})


class Queries(ResourceGroup):
    async def all(self) -> list[Query]:
        """Saved issue queries visible to the acting user."""
        return [Query.model_validate(q) async for q in self.client.paginate(QUERIES, "queries")]
