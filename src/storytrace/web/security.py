"""The web UI's guards: id validation, a request body cap, and security headers.

The server is meant for one person on their own machine, but the pages it serves
show untrusted article text, and any web page the person visits can send
requests to ``127.0.0.1``. So: ids are checked against one pattern before use,
request bodies are cut off at a fixed size with a clear 413, every response
carries a Content-Security-Policy that lets only the report's own script run,
and the Host header must name this machine (against DNS rebinding).
"""

from __future__ import annotations

import json
import re

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storytrace.report.html import CSP

# Ids as storytrace makes them (16 hex digits) and as inputs give them (dataset ids,
# "politifact13775", "s-<id>" story ids): letters, digits and a few separators. No "/",
# no "..", no spaces or quotes: nothing that could mean a path or break out of a URL.
ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._:@+~=-]{0,199}"
_ID = re.compile(ID_PATTERN)

MAX_BODY = 2 * 1024 * 1024  # bytes: a pasted article or an uploaded page

# The API docs page (web/docs.py): Swagger UI's script and stylesheet are served by this
# app from a package, so scripts, styles and requests stay on this server; the page shows
# no article data. Swagger UI sets a few element styles and draws its icons as data: URIs.
DOCS_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; "
            "img-src 'self' data:; connect-src 'self'; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
PAGE_CSP = CSP + "; frame-ancestors 'none'"


def check_id(value: str, what: str = "id") -> str:
    """``value`` if it looks like an article or story id, else a 400 error.

    >>> check_id("s-0c0e52bed4ff1e5f")
    's-0c0e52bed4ff1e5f'
    >>> check_id("../../etc/passwd")
    Traceback (most recent call last):
    ...
    fastapi.exceptions.HTTPException: 400: invalid id: use letters, digits and . _ : @ + ~ = -
    """
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise HTTPException(400, f"invalid {what}: use letters, digits and . _ : @ + ~ = -")
    return value


class TooLarge(HTTPException):
    """Raised while reading a body past the cap (an HTTPException, so FastAPI keeps it 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body too large: the limit is {limit:,} bytes")


class _HttpMiddleware:
    """An ASGI middleware that acts on HTTP requests (:meth:`http`) and passes anything
    else (lifespan, websockets) through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class BodyLimitMiddleware(_HttpMiddleware):
    """413 for any request whose body is larger than ``max_bytes``.

    A declared ``Content-Length`` over the cap is refused before anything is read;
    a chunked body is counted as it arrives and refused once it passes the cap.
    """

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await _reply(send, 400, "invalid Content-Length")
                return
            if int(declared) > self.max_bytes:
                await _reply(send, 413, TooLarge(self.max_bytes).detail)
                return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise TooLarge(self.max_bytes)
            return message

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watch)
        except TooLarge as exc:
            if not started:
                await _reply(send, 413, exc.detail)


class SecurityHeadersMiddleware(_HttpMiddleware):
    """Adds CSP and the usual hardening headers to every response."""

    def __init__(self, app: ASGIApp, docs_paths: tuple[str, ...] = ()) -> None:
        super().__init__(app)
        self.docs_paths = docs_paths

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() != b"content-security-policy"]
                ctype = dict(headers).get(b"content-type", b"")
                if path in self.docs_paths:
                    csp = DOCS_CSP
                elif ctype.startswith(b"text/html"):
                    csp = PAGE_CSP
                else:
                    csp = API_CSP
                headers += [(b"content-security-policy", csp.encode()),
                            (b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"no-referrer"),
                            (b"x-frame-options", b"DENY"),
                            (b"cross-origin-opener-policy", b"same-origin"),
                            (b"cross-origin-resource-policy", b"same-origin")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


async def _reply(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
