"""HTML primitives for the report: escaping, safe links, embedded JSON, the page shell.

Every string that comes from an article (text, title, outlet, url, attribution
text, evidence) is untrusted. It reaches the page only through :func:`esc`
(element content and quoted attribute values), :func:`safe_href` (links) or
:func:`json_script` (data), never through a format string on its own.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from urllib.parse import urlsplit

from storytrace.report.assets import CSS, JS

_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                 0x2028: "\\u2028", 0x2029: "\\u2029"}


def esc(value: object) -> str:
    """Escape for element content and double- or single-quoted attribute values.

    >>> esc('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return html.escape("" if value is None else str(value), quote=True)


def safe_href(url: object) -> str | None:
    """``url`` escaped for an ``href`` if it is plain http(s), else ``None``.

    ``javascript:``, ``data:`` and anything else that could run or smuggle code is
    refused; the caller shows such a URL as text instead.

    >>> safe_href("https://example.com/a?b=1&c=2")
    'https://example.com/a?b=1&amp;c=2'
    >>> safe_href(" JaVaScript:alert(1)") is None
    True
    """
    if not isinstance(url, str):
        return None
    url = url.strip()
    # Browsers drop tabs and newlines inside a URL ("java\nscript:"), so refuse them outright.
    if not url or any(c in url for c in "\t\r\n\x00") or len(url) > 4096:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return esc(url)


def json_script(data: object, element_id: str) -> str:
    """``data`` as JSON in a ``<script type="application/json">`` that cannot be broken out of.

    ``<``, ``>`` and ``&`` become ``\\u003c`` etc., so a ``</script>`` inside any string
    stays inside the JSON string; the browser never executes this element.

    >>> json_script({"t": "</script>"}, "d")
    '<script type="application/json" id="d">{"t": "\\\\u003c/script\\\\u003e"}</script>'
    """
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", element_id):
        raise ValueError(f"bad element id {element_id!r}")
    body = json.dumps(_finite(data), ensure_ascii=False, default=str,
                      allow_nan=False).translate(_JSON_ESCAPES)
    return f'<script type="application/json" id="{element_id}">{body}</script>'


def _finite(value: object, depth: int = 0) -> object:
    """``value`` with NaN and infinities as ``None`` (JSON has no such numbers)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if depth > 50:
        return None
    if isinstance(value, dict):
        return {str(k): _finite(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v, depth + 1) for v in value]
    return value


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# The one inline script and style, allowed by hash: nothing else can run or style the page,
# and no remote source is allowed at all.
SCRIPT_HASH = _sha256(JS)
STYLE_HASH = _sha256(CSS)
CSP = ("default-src 'none'; "
       f"script-src {SCRIPT_HASH}; "
       f"style-src {STYLE_HASH}; "
       "img-src data:; "
       "base-uri 'none'; "
       "form-action 'self'")


def document(title: str, body: str, *, nav: str = "", data: object = None) -> str:
    """A complete, self-contained page: CSP meta, inline CSS and JS, optional JSON data.

    ``title`` is escaped here; ``body`` and ``nav`` must already be safe HTML.
    """
    data_block = json_script(data, "st-data") if data is not None else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"{nav}\n<main>\n{body}\n</main>\n"
        '<footer class="foot">Made by storytrace. Offsets are characters of each article\'s '
        "text as stored; article content is shown escaped and never run.</footer>\n"
        f"{data_block}\n<script>{JS}</script>\n</body>\n</html>\n"
    )


def pct(value: object) -> str:
    """``0.4213`` → ``42%``; anything that is not a finite number → ``?``."""
    number = num(value)
    return "?" if number is None else f"{number:.0%}"


def num(value: object) -> float | None:
    """A finite float, or ``None`` (bools and strings are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def short(text: object, width: int = 120) -> str:
    """Whitespace folded and cut to ``width`` characters (not escaped)."""
    s = " ".join(str(text or "").split())
    return s if len(s) <= width else s[: width - 1].rstrip() + "…"


def render_value(value: object, depth: int = 0) -> str:
    """Any JSON-like evidence as escaped nested lists (bounded, for unknown shapes)."""
    if depth > 4:
        return "…"
    if isinstance(value, dict):
        items = list(value.items())[:40]
        inner = "".join(f"<li><span class=\"key\">{esc(k)}</span>: "
                        f"{render_value(v, depth + 1)}</li>" for k, v in items)
        return f'<ul class="kv">{inner}</ul>'
    if isinstance(value, list | tuple):
        if all(not isinstance(v, dict | list | tuple) for v in value):
            return esc(", ".join(_scalar(v) for v in value[:40]))
        return "<ul>" + "".join(f"<li>{render_value(v, depth + 1)}</li>"
                                for v in value[:40]) + "</ul>"
    return esc(_scalar(value))


def _scalar(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return short(value, 300)
