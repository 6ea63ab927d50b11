"""A file handed to staff as a download: an attachment that no cache keeps, since exports
and returns carry protected figures."""

from __future__ import annotations

from litestar import Response

from feedback.reports.service import ExportFile


def download(file: ExportFile) -> Response[bytes]:
    return Response(
        file.content,
        media_type=file.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{file.filename}"',
            "Cache-Control": "no-store",
        },
    )


__all__ = ["download"]
