"""The Atom 1.0 feed of published records, built with ElementTree so it is always
well-formed: feed id, title, updated, author and self link, then one entry per record with
id, title, updated, link and a plain-text content (you said, we did, status)."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree as ET

from feedback.actions.models import STATUS_WORDS
from feedback.actions.schemas import RecordOut
from feedback.organisations.names import borough_names

ATOM = "http://www.w3.org/2005/Atom"


def last_change(record: RecordOut) -> date:
    """The newest of publication, edit and progress update: when the record last changed."""
    days = [d for d in (record.published_on, record.updated_on) if d is not None]
    days += [p.on for p in record.progress]
    return max(days) if days else date(1970, 1, 1)


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    element.text = text
    return element


def record_text(record: RecordOut) -> str:
    lines = [f"You said: {record.you_said}", f"We did: {record.we_did}"]
    lines.append(f"Service: {record.service} ({borough_names(record.boroughs)})")
    lines.append(f"Status: {STATUS_WORDS.get(record.status, record.status)}")
    lines += [f"{p.on.isoformat()}: {p.text}" for p in record.progress]
    return "\n\n".join(lines)


def atom_feed(records: list[RecordOut], *, base_url: str, title: str) -> bytes:
    base = base_url.rstrip("/")
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", f"{base}/you-said-we-did")
    _add(feed, "title", f"{title}: you said, we did")
    changes = [last_change(r) for r in records]
    _add(feed, "updated", _stamp(max(changes) if changes else date(1970, 1, 1)))
    author = _add(feed, "author")
    _add(author, "name", title)  # the partnership, never a member of staff
    _add(feed, "link", rel="self", href=f"{base}/you-said-we-did.atom")
    _add(feed, "link", rel="alternate", type="text/html", href=f"{base}/you-said-we-did")
    for record in records:
        entry = _add(feed, "entry")
        _add(entry, "id", f"{base}/you-said-we-did/{record.id}")
        _add(entry, "title", record.title)
        _add(entry, "updated", _stamp(last_change(record)))
        if record.published_on is not None:
            _add(entry, "published", _stamp(record.published_on))
        _add(entry, "link", rel="alternate", href=f"{base}/you-said-we-did/{record.id}")
        for theme in record.themes:
            _add(entry, "category", term=theme.id, label=theme.label)
        _add(entry, "content", record_text(record), type="text")
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body


__all__ = ["atom_feed", "last_change", "record_text"]
