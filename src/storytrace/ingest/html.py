"""HTML pages: main text and metadata with trafilatura, dates with htmldate."""

from __future__ import annotations

import warnings

from storytrace.ingest.fields import RecordError, outlet_from_url, parse_authors, parse_time
from storytrace.model import Article

_DATE_PARAMS = {"extensive_search": True, "original_date": True,
                "outputformat": "%Y-%m-%dT%H:%M:%S%z"}


def html_article(html: str, where: str, url: str = "") -> Article:
    """Extract an article from an HTML page or raise :class:`RecordError`."""
    import trafilatura

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lxml FutureWarnings on odd markup
        try:
            doc = trafilatura.bare_extraction(
                html, url=url or None, with_metadata=True, include_comments=False,
                date_extraction_params=_DATE_PARAMS,
            )
        except Exception as exc:
            raise RecordError(f"HTML could not be parsed ({type(exc).__name__})") from None
    if doc is None or not (doc.text or "").strip():
        raise RecordError("no main text found in HTML")
    title = (doc.title or "").strip()
    text = doc.text.strip()
    # trafilatura repeats the <h1> headline as the first line of the body.
    first, _, rest = text.partition("\n")
    if title and first.strip() == title and rest.strip():
        text = rest.strip()
    page_url = doc.url or url
    try:
        published = parse_time(doc.date)
    except ValueError:
        published = None
    return Article(
        text=text,
        title=title,
        outlet=(doc.sitename or "").strip() or doc.hostname or outlet_from_url(page_url),
        url=page_url or "",
        published=published,
        authors=parse_authors(doc.author.replace(";", ",") if doc.author else None),
        raw=html,
        source=where,
    )
