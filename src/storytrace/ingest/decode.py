"""Bytes to text: UTF-8 first, then charset detection, then replacement."""

from __future__ import annotations

from charset_normalizer import from_bytes

_NEWS_ENCODINGS = ["cp1252", "latin_1", "iso8859_15", "cp1250", "cp1251", "koi8_r", "iso8859_7",
                   "cp1256", "iso8859_9", "shift_jis", "euc_jp", "gb18030", "big5", "euc_kr"]


_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


class BinaryContent(ValueError):
    """Raised for data that is not text in any encoding we can detect."""


def looks_binary(data: bytes) -> bool:
    """True when a sample of ``data`` has NUL bytes or mostly control bytes."""
    sample = data[:8192]
    if not sample:
        return False
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    control = len(sample) - len(sample.translate(None, _CONTROL))
    return control / len(sample) > 0.10


def decode(data: bytes) -> str:
    """Decode ``data`` to ``str``.

    Valid UTF-8 (with or without BOM) is taken as is; otherwise the encoding is
    detected with charset-normalizer; failing that, UTF-8 with replacement
    characters. Raises :class:`BinaryContent` for binary junk.

    >>> decode("café".encode("latin-1"))
    'café'
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    # Checked first: NULs and control bytes are valid UTF-8, but not an article.
    if looks_binary(data):
        raise BinaryContent("binary content, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # UTF-8 with a few damaged bytes: replace those rather than misread all the rest.
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if len(text) - len(text.encode("ascii", "ignore")) - bad > bad:
        return text
    encoding = _detect(data[:200_000])
    return data.decode(encoding or "utf-8", errors="replace")


def _detect(data: bytes) -> str | None:
    # Detection on short news text is unreliable across all code pages, so
    # ask only about the ones news is published in, most common first.
    matches = list(from_bytes(data, cp_isolation=_NEWS_ENCODINGS))
    if not matches:
        return None
    best = min(matches, key=lambda m: (-m.coherence, m.chaos, _rank(m.encoding)))
    alternatives = set(best.could_be_from_charset) | {best.encoding}
    return min(alternatives, key=_rank)


def _rank(encoding: str) -> int:
    return _NEWS_ENCODINGS.index(encoding) if encoding in _NEWS_ENCODINGS else len(_NEWS_ENCODINGS)
