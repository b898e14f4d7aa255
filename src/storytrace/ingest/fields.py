"""Turning loosely structured records (JSON, CSV rows, HTML metadata) into Articles."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from dateutil import parser as dateparser

from storytrace.model import Article

# Default field names, tried in order; the first present and non-empty wins.
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "_id", "doc_id", "article_id", "uuid"),
    "title": ("title", "headline", "name"),
    "text": ("text", "body", "content", "maintext", "article", "story"),
    "outlet": ("outlet", "publisher", "site_name", "sitename", "meta_data.og.site_name",
               "source_name", "source_domain", "domain", "source"),
    "url": ("url", "link", "canonical_link", "canonical_url", "uri"),
    "published": ("published", "publish_date", "published_at", "date_publish", "pubdate",
                  "date", "datetime", "timestamp", "time"),
    "authors": ("authors", "author", "byline", "creator"),
}


class RecordError(ValueError):
    """A record that cannot become an article; the message says why."""


@dataclass
class FieldMap:
    """Which input field holds which article attribute.

    ``FieldMap.parse(["text=body", "title=headline"])`` puts the given names
    first; the defaults in :data:`DEFAULT_FIELDS` remain as fall-backs.
    """

    names: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_FIELDS))

    @classmethod
    def parse(cls, specs: list[str] | None) -> FieldMap:
        names = dict(DEFAULT_FIELDS)
        for spec in specs or []:
            key, sep, value = spec.partition("=")
            key = key.strip()
            if not sep or key not in DEFAULT_FIELDS or not value.strip():
                raise ValueError(
                    f"bad field mapping {spec!r}: use ATTR=FIELD with ATTR one of "
                    + ", ".join(DEFAULT_FIELDS)
                )
            names[key] = (value.strip(),)
        return cls(names)

    def lookup(self, record: dict, attr: str) -> object:
        for name in self.names[attr]:
            value = _get_path(record, name)
            if value not in (None, "", [], {}):
                return value
        return None

    def to_article(self, record: dict, where: str) -> Article:
        """Build an :class:`Article` from ``record`` or raise :class:`RecordError`."""
        if not isinstance(record, dict):
            raise RecordError(f"expected an object, got {type(record).__name__}")
        text = self.lookup(record, "text")
        if not isinstance(text, str) or not text.strip():
            raise RecordError(f"missing text (looked for {', '.join(self.names['text'])})")
        title = _as_str(self.lookup(record, "title"))
        url = _as_str(self.lookup(record, "url"))
        outlet = _as_str(self.lookup(record, "outlet")) or outlet_from_url(url)
        if outlet.startswith(("http://", "https://")):
            outlet = outlet_from_url(outlet)
        given_published = self.lookup(record, "published")
        extra = {}
        try:
            published = parse_time(given_published)
        except ValueError:  # keep the article; an unreadable date is not a reason to lose it
            published = None
            extra["bad_published"] = _as_str(given_published)[:200]
        given_id = self.lookup(record, "id")
        return Article(
            text=text,
            title=title,
            outlet=outlet,
            url=url,
            published=published,
            authors=parse_authors(self.lookup(record, "authors")),
            id=_as_str(given_id) if given_id is not None else "",
            source=where,
            extra=extra,
        )


def _get_path(record: dict, name: str) -> object:
    """``record["a"]["b"]`` for the name ``"a.b"`` (exact keys win over paths)."""
    if name in record:
        return record[name]
    value: object = record
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _as_str(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value).strip()


def outlet_from_url(url: str) -> str:
    """The host of ``url`` without ``www.``: ``https://www.nytimes.com/x`` → ``nytimes.com``."""
    if not url:
        return ""
    host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    return host.removeprefix("www.")


def parse_authors(value: object) -> list[str]:
    """Authors from a list, a ``"['A', 'B']"`` repr, or ``"A, B and C"``."""
    if value is None:
        return []
    if isinstance(value, str):
        s = value.strip()
        if s.startswith("[") and s.endswith("]"):
            try:
                value = ast.literal_eval(s)
            except (ValueError, SyntaxError):
                value = [s.strip("[]")]
        else:
            value = [p for p in re.split(r",|;|\band\b", re.sub(r"^by\s+", "", s, flags=re.I))]
    if isinstance(value, dict):
        value = [value.get("name", "")]
    if not isinstance(value, (list, tuple)):
        value = [value]
    out = []
    for v in value:
        name = (v.get("name", "") if isinstance(v, dict) else str(v)).strip()
        if name and name not in out:
            out.append(name)
    return out


def parse_time(value: object) -> datetime | None:
    """A timezone-aware datetime, or ``None`` when missing.

    Accepts ISO 8601 and common date strings, epoch seconds or milliseconds,
    and Mongo-style ``{"$date": ms}``. Times without a zone are taken as UTC.

    >>> parse_time({"$date": 1474272304000}).isoformat()
    '2016-09-19T08:05:04+00:00'
    """
    if value in (None, "", {}):
        return None
    if isinstance(value, dict):
        value = value.get("$date", value.get("date"))
        if value is None:
            return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, bool):
        raise ValueError(f"bad date {value!r}")
    elif isinstance(value, (int, float)):
        seconds = value / 1000 if abs(value) > 1e11 else value
        try:
            dt = datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"bad date {value!r}") from None
    else:
        s = str(value).strip()
        if re.fullmatch(r"-?\d{9,13}(\.\d+)?", s):
            return parse_time(float(s))
        try:
            dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
        except ValueError:
            try:
                dt = dateparser.parse(s)
            except (ValueError, OverflowError, TypeError):
                raise ValueError(f"bad date {s[:40]!r}") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt
