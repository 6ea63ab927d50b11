"""A file handed to staff as a download: an attachment that no cache keeps, since exports
and returns carry protected figures."""

from __future__ import annotations

from typing import Protocol

from litestar import Response


class DownloadFile(Protocol):
    """What an export hands over (`reports.service.ExportFile` and the like)."""

    @property
    def content(self) -> bytes: ...
    @property
    def media_type(self) -> str: ...
    @property
    def filename(self) -> str: ...


def download(file: DownloadFile) -> Response[bytes]:
    return Response(
        file.content,
        media_type=file.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{file.filename}"',
            "Cache-Control": "no-store",
        },
    )


__all__ = ["download"]
