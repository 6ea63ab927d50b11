"""A batch as people take it away: CSV rows or a JSON array, each with `url` (and `code`)."""

from __future__ import annotations

import csv
import io

import msgspec

from feedback.links.schemas import LinkBatchOut


def render_batch(batch: LinkBatchOut, output: str) -> str:
    rows = [msgspec.to_builtins(item) for item in (batch.codes or batch.links)]
    if output == "json":
        return msgspec.json.format(msgspec.json.encode(rows)).decode() + "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
