"""The FastAPI app: HTML pages for people, a JSON API under ``/api`` for programs.

``create_app(db_path)`` serves one store, read-only. Both faces do the same
things: search articles, list and open stories, compare two articles, and trace
a pasted article against the corpus. The OpenAPI description is at
``/api/openapi.json`` and the interactive docs at ``/api/docs``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

import storytrace.web.pages as pages
from storytrace import __version__
from storytrace.align import Aligner
from storytrace.comparison import DETAILS, compare
from storytrace.diff.ledger import ledger_dict
from storytrace.engines.core import TraceOptions
from storytrace.engines.local import ArticleMatches, loose_links, match_article, stored_stories
from storytrace.ingest.decode import BinaryContent, decode
from storytrace.ingest.fields import RecordError
from storytrace.ingest.html import html_article
from storytrace.ingest.plaintext import text_article
from storytrace.model import Article
from storytrace.provenance.credits import extract_credits
from storytrace.report import render_compare_html, render_trace_html
from storytrace.report.extras import comparison_dict, story_dict
from storytrace.store import Store
from storytrace.store.corpus import CorpusIndex
from storytrace.web.docs import DOCS, add_docs
from storytrace.web.security import (
    MAX_BODY,
    BodyLimitMiddleware,
    SecurityHeadersMiddleware,
    TooLarge,
    check_id,
)

LOOPBACK = ["127.0.0.1", "localhost"]
PASTED = "your pasted text"  # the id a pasted article goes by (it is never stored)
MAX_CHARS = 300_000  # longest pasted text aligned against the corpus (characters)
MAX_ALIGNED = 25  # candidates aligned per checked article (trace's max_candidates, lower)
Limit = Annotated[int, Query(ge=1, le=200, description="Items per page.")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")]


class TraceRequest(BaseModel):
    """An article to trace against the corpus; nothing is stored."""

    text: str = Field(min_length=1, description="The article body.")
    title: str = Field("", max_length=2000)
    outlet: str = Field("", max_length=500)
    url: str = Field("", max_length=4096)


def create_app(db_path: str | Path, *, semantic: bool | str = False, max_body: int = MAX_BODY,
               max_chars: int = MAX_CHARS, allowed_hosts: list[str] | None = None) -> FastAPI:
    """A web UI and JSON API over the store at ``db_path`` (which must exist).

    Raises FileNotFoundError without a file, sqlite3.Error if it is not a store.

    semantic : sentence embeddings in alignment (slower; ``False`` keeps pages quick).
    max_body : largest request body in bytes (413 beyond).
    max_chars : longest pasted article text in characters (413 beyond).
    allowed_hosts : Host header values accepted (default: loopback names only).
    """
    site = _Site(Path(db_path), semantic=semantic, max_body=max_body, max_chars=max_chars)
    app = FastAPI(title="storytrace", version=__version__,
                  description="Trace how a news story travels: search the stored articles, "
                              "open stories, compare two versions, trace a pasted article.",
                  openapi_url="/api/openapi.json", docs_url=None, redoc_url=None)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or LOOPBACK)
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body)
    app.add_middleware(SecurityHeadersMiddleware, docs_paths=(DOCS,))
    add_docs(app)  # Swagger UI from a package, not a CDN: the docs work offline

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if request.url.path.startswith("/api"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                                headers=getattr(exc, "headers", None))
        return HTMLResponse(pages.error_page(exc.status_code, str(exc.detail)),
                            status_code=exc.status_code)

    _add_api(app, site)
    _add_pages(app, site)
    _add_paste_check(app, site)
    return app


class _Site:
    """What every route needs: the store (opened read-only per request), the aligner's
    mode and the size limits. Routes call its methods; it knows nothing of HTTP routing."""

    def __init__(self, db: Path, *, semantic: bool | str, max_body: int, max_chars: int
                 ) -> None:
        if not db.is_file():
            raise FileNotFoundError(f"no store at {db}")
        with Store(db, read_only=True) as s:  # fail now, not on the first request
            _counts(s)
        self.db, self.semantic = db, semantic
        self.max_body, self.max_chars = max_body, max_chars
        self.check_options = TraceOptions(semantic=semantic, max_candidates=MAX_ALIGNED)

    def store(self) -> Store:
        """The store for one request (SQLite connections belong to one thread), refusing
        writes: nothing the web UI does can change it."""
        return Store(self.db, read_only=True)

    def article(self, ref: str) -> Article:
        """An article by exact id or unique id prefix; 400 for a bad id, 404 if none."""
        check_id(ref)
        with self.store() as s:
            ids = s.resolve(ref)
            if len(ids) > 1:
                raise HTTPException(400, f"id prefix {ref!r} is ambiguous")
            found = s.get(ids[0]) if ids else None
        if found is None:
            raise HTTPException(404, f"no article {ref!r}")
        return found

    def story_of(self, article: Article) -> str | None:
        """The id of the stored story ``article`` belongs to, if any."""
        with self.store() as s:
            return CorpusIndex(s).story_of(article.id)

    def compared(self, a: Article, b: Article) -> dict:
        """What ``storytrace compare`` reports: passages, credits, direction, facts diff,
        framing."""
        return comparison_dict(compare(a, b, Aligner(semantic=self.semantic), details=DETAILS))

    def comparison(self, a_ref: str, b_ref: str) -> tuple[dict, Article, Article]:
        a, b = self.article(a_ref), self.article(b_ref)
        return self.compared(a, b), a, b

    def check_length(self, text: str) -> None:
        """413 for a pasted text longer than ``max_chars``."""
        if len(text) > self.max_chars:
            raise HTTPException(413, f"article text too long: the limit is "
                                     f"{self.max_chars:,} characters")

    def reuse(self, article: Article) -> ArticleMatches:
        """The links a trace of ``article`` would make (a stored one is checked as itself)."""
        self.check_length(article.text)
        if not article.text.strip():
            raise HTTPException(400, "the article has no text")
        with self.store() as s:
            return match_article(s, article, self.check_options)

    def stories(self, limit: int, offset: int) -> tuple[int, list[dict]]:
        """How many stories are stored, and one page of their summaries."""
        with self.store() as s:
            index = CorpusIndex(s)
            return index.story_count(), index.story_summaries(limit, offset)

    def related(self, limit: int) -> tuple[int, list[dict]]:
        """The links that join no story (``engines.local.loose_links``): how many, and the
        first ``limit``."""
        with self.store() as s:
            return loose_links(s, limit)

    def story(self, story_id: str) -> tuple[dict, dict[str, Article]]:
        """A stored story as the CLI reads it (404 if none), with its articles by id."""
        check_id(story_id, "story id")
        with self.store() as s:
            found = stored_stories(s, only=[story_id])
            if not found:
                raise HTTPException(404, f"no story {story_id!r}")
            data = story_dict(found[0], s)
        # The claim ledger chains the claims `trace --changes` stored on the tree's edges
        # (no model runs, nothing is written).
        ledger = ledger_dict(data.get("tree"), {a.id: a.text for a in found[0].articles})
        if ledger is not None:
            data["ledger"] = ledger
        return data, {a.id: a for a in found[0].articles}


def _add_api(app: FastAPI, site: _Site) -> None:
    """The JSON API under ``/api``."""

    @app.get("/api/articles", tags=["articles"], summary="Search articles")
    def api_search(q: Annotated[str, Query(max_length=500, description="Substring of the "
                                           "title, outlet, text or id (ASCII case-insensitive)"
                                           "; empty lists all.")] = "",
                   limit: Limit = 50, offset: Offset = 0) -> dict:
        with site.store() as s:
            total, items = s.search(q.strip(), limit, offset)
        return {"total": total, "offset": offset, "items": items}

    @app.get("/api/articles/{article_id}", tags=["articles"], summary="One article")
    def api_article(article_id: str) -> dict:
        article = site.article(article_id)
        return article.to_dict() | {"story": site.story_of(article)}

    @app.get("/api/articles/{article_id}/reuse", tags=["trace"],
             summary="Stored articles sharing text with a stored article")
    def api_article_reuse(article_id: str) -> dict:
        return site.reuse(site.article(article_id)).to_dict()

    @app.get("/api/stories", tags=["stories"], summary="Stories of the last trace run")
    def api_stories(limit: Limit = 50, offset: Offset = 0) -> dict:
        total, items = site.stories(limit, offset)
        related_total, related = site.related(limit)
        return {"total": total, "offset": offset, "items": items,
                "related_total": related_total, "related": related}

    @app.get("/api/stories/{story_id}", tags=["stories"], summary="One story with its links")
    def api_story(story_id: str) -> dict:
        return site.story(story_id)[0]

    @app.get("/api/compare", tags=["compare"], summary="Passages two articles share")
    def api_compare(a: Annotated[str, Query(description="id or unique id prefix")],
                    b: Annotated[str, Query(description="id or unique id prefix")]) -> dict:
        return site.comparison(a, b)[0]

    @app.post("/api/trace", tags=["trace"],
              summary="Trace a pasted article against the corpus (nothing is stored)")
    def api_trace(req: TraceRequest) -> dict:
        article = Article(text=req.text, title=req.title, outlet=req.outlet, url=req.url)
        return site.reuse(article).to_dict()


def _add_pages(app: FastAPI, site: _Site) -> None:
    """The HTML pages people read."""

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home() -> str:
        with site.store() as s:
            return pages.home(_counts(s))

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search(q: Annotated[str, Query(max_length=500)] = "", offset: Offset = 0) -> str:
        with site.store() as s:
            total, items = s.search(q.strip(), 50, offset)
        return pages.search_page(q, total, items, offset, 50)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str) -> str:
        article = site.article(article_id)
        found = [x.to_dict(article.text) for x in extract_credits(article.text)]
        return pages.article_page(article, site.story_of(article), found)

    @app.get("/articles/{article_id}/reuse", response_class=HTMLResponse,
             include_in_schema=False)
    def article_reuse(article_id: str) -> str:
        article = site.article(article_id)
        return pages.trace_results(article, site.reuse(article), stored=True)

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories(offset: Offset = 0) -> str:
        total, items = site.stories(50, offset)
        return pages.stories_page(total, items, offset, 50, related=site.related(50))

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story(story_id: str) -> str:
        data, articles = site.story(story_id)
        return render_trace_html([data], articles, nav=pages.nav(),
                                 title=f"storytrace · story {story_id}",
                                 article_href=pages.article_href,
                                 compare_href=pages.compare_href)

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(a: Annotated[str, Query(max_length=200)],
                     b: Annotated[str, Query(max_length=200)]) -> str:
        result, art_a, art_b = site.comparison(a, b)
        return render_compare_html(result, art_a.text, art_b.text, nav=pages.nav())


def _add_paste_check(app: FastAPI, site: _Site) -> None:
    """The paste check: trace a pasted or uploaded article, or compare it with one stored
    article; nothing is stored."""

    @app.get("/trace", response_class=HTMLResponse, include_in_schema=False)
    def trace_form() -> str:
        return pages.trace_form(max_bytes=site.max_body)

    @app.post("/trace", response_class=HTMLResponse, include_in_schema=False)
    async def trace_post(request: Request):
        try:
            article = await _posted_article(request, site.max_body)
        except _FormError as exc:
            return HTMLResponse(pages.trace_form(str(exc), max_bytes=site.max_body),
                                status_code=400)
        report = await run_in_threadpool(site.reuse, article)
        return pages.trace_results(article, report)

    @app.post("/trace/compare", response_class=HTMLResponse, include_in_schema=False)
    async def trace_compare(request: Request):
        form = await request.form(max_files=0, max_fields=10, max_part_size=site.max_body)
        ident = form.get("id")
        article = Article(id=PASTED, text=str(form.get("text") or ""),
                          title=str(form.get("title") or ""), outlet=str(form.get("outlet") or ""))
        if not isinstance(ident, str) or not article.text.strip():
            raise HTTPException(400, "choose a stored article to compare with")
        site.check_length(article.text)
        stored = site.article(ident)

        def run() -> str:
            result = site.compared(article, stored)
            result["a"]["name"] = "Your pasted text"  # shown where it has no title
            return render_compare_html(result, article.text, stored.text, nav=pages.nav())

        return await run_in_threadpool(run)


def _counts(store: Store) -> dict:
    """Articles, articles indexed by ``trace`` and stories (for the home page)."""
    index = CorpusIndex(store)
    return {"articles": len(store), "indexed": index.signatures_state()[0],
            "stories": index.story_count()}


class _FormError(ValueError):
    """A pasted-article form that cannot be used (shown back to the person)."""


async def _posted_article(request: Request, max_body: int) -> Article:
    """The article in a paste/upload form: an uploaded file wins over pasted text."""
    try:
        form = await request.form(max_files=1, max_fields=10, max_part_size=max_body)
    except TooLarge:
        raise
    except Exception as exc:  # malformed multipart: say so instead of a 500
        raise _FormError(f"the form could not be read ({type(exc).__name__})") from None
    title = str(form.get("title") or "").strip()[:2000]
    outlet = str(form.get("outlet") or "").strip()[:500]
    upload = form.get("file")
    if upload is not None and not isinstance(upload, str) and upload.filename:
        data = await upload.read()
        name = Path(upload.filename).name  # only used as a label, never opened
        try:
            content = decode(data)
        except BinaryContent:
            raise _FormError(f"{name}: binary content, not text") from None
        try:
            if name.lower().endswith((".html", ".htm")) or \
                    content.lstrip()[:200].lower().startswith(("<!doctype html", "<html")):
                article = html_article(content, where=name)
            else:
                article = text_article(content, where=name)
        except RecordError as exc:
            raise _FormError(f"{name}: {exc}") from None
        return Article(text=article.text, title=title or article.title,
                       outlet=outlet or article.outlet, url=article.url,
                       published=article.published)
    text = str(form.get("text") or "")
    if not text.strip():
        raise _FormError("paste some text or choose a file")
    return Article(text=text, title=title, outlet=outlet)
