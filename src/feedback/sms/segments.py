"""SMS segment arithmetic: GSM-7 versus UCS-2, and splitting a long text sensibly.

A text in the GSM 03.38 alphabet fits 160 characters in one segment and 153 per segment
when concatenated (extension characters such as `€` or `[` take two); one character
outside it (Arabic, Polish `ł`, a curly quote) makes the whole text UCS-2: 70 in one
segment, 67 per segment after. Replies are kept within two segments each, split at line
breaks, then sentence ends, then spaces, so no word is cut in half.
"""

from __future__ import annotations

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")
MAX_SEGMENTS = 2


def is_gsm7(text: str) -> bool:
    return all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text)


def units(text: str) -> int:
    """Septets for GSM-7 text, UTF-16 code units for UCS-2 text."""
    if is_gsm7(text):
        return sum(2 if ch in GSM_EXTENSION else 1 for ch in text)
    return len(text.encode("utf-16-le")) // 2


def segment_count(text: str) -> int:
    single, multi = (160, 153) if is_gsm7(text) else (70, 67)
    length = units(text)
    if length <= single:
        return 1
    return -(-length // multi)


def split_message(text: str, max_segments: int = MAX_SEGMENTS) -> list[str]:
    """Parts of at most `max_segments` segments each, cut at the latest natural break."""
    if segment_count(text) <= max_segments:
        return [text]
    cut = _cut_point(text, max_segments)
    head, tail = text[:cut].rstrip(), text[cut:].lstrip()
    return [head, *split_message(tail, max_segments)] if tail else [head]


def _cut_point(text: str, max_segments: int) -> int:
    fits = 1
    while fits < len(text) and segment_count(text[: fits + 1]) <= max_segments:
        fits += 1
    window = text[:fits]
    for breaks in ("\n", ". ", "? ", "، ", " "):
        position = window.rfind(breaks)
        if position > fits // 2:
            return position + len(breaks.rstrip() or breaks)
    return fits
