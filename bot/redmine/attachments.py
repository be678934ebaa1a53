"""Attachments (read, stream, update, delete) and uploads."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

from bot.redmine.base import ResourceGroup
from bot.redmine.models import Attachment, Upload

ATTACHMENT = "/attachments/{id}.json"
UPLOADS = "/uploads.json"


class Attachments(ResourceGroup):
    async def get(self, attachment_id: int) -> Attachment:
        return await self.read_one(ATTACHMENT.format(id=attachment_id), "attachment", Attachment)

    async def download(
        self, attachment: Attachment, *, chunk_size: int = 64 * 1024
    ) -> AsyncIterator[bytes]:
        """Stream an attachment's bytes without reading it whole."""
        url = attachment.content_url or f"/attachments/download/{attachment.id}"
        async with self.client.stream(url) as response:
            async for chunk in response.aiter_bytes(chunk_size):
                yield chunk

    async def update(self, attachment_id: int, **fields: Any) -> None:
        await self.client.request(
            "PATCH", ATTACHMENT.format(id=attachment_id), json={"attachment": fields}
        )

    async def delete(self, attachment_id: int) -> None:
        await self.client.delete(ATTACHMENT.format(id=attachment_id))


class Uploads(ResourceGroup):
    async def upload(
        self,
        source: bytes | AsyncIterable[bytes],
        filename: str,
        *,
        size: int | None = None,
        content_type: str = "application/octet-stream",
    ) -> Upload:
        """Stream a file to `POST /uploads.json`; attach it with `attachment_spec`.

        The body is sent as it is read from `source`, never held in memory whole. Give
        `size` when known: Redmine's server reads a Content-Length more reliably than a
        chunked body.
        """
        headers = {"Content-Type": content_type}
        if size is not None:
            headers["Content-Length"] = str(size)
        response = await self.client.request(
            "POST", UPLOADS, params={"filename": filename}, content=source, headers=headers
        )
        return Upload.model_validate(response.json()["upload"])


def attachment_spec(
    upload: Upload, filename: str, content_type: str | None = None, description: str | None = None
) -> dict[str, Any]:
    """The `uploads` item that attaches an uploaded file on issue create/update."""
    spec: dict[str, Any] = {"token": upload.token, "filename": filename}
    if content_type:
        spec["content_type"] = content_type
    if description:
        spec["description"] = description
    return spec
