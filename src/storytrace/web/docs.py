"""Interactive API docs at ``/api/docs`` that work offline, under a strict CSP.

FastAPI's own docs page loads Swagger UI from a CDN, which a machine without a
network cannot reach (the page stays blank). Here Swagger UI's script and
stylesheet come from the ``fastapi-offline`` package (part of the ``web`` extra),
served by this app from fixed routes, and the page has no inline script or style:
it loads ``/api/docs/init.js``, so its Content-Security-Policy can allow scripts
and styles from this server only (:data:`storytrace.web.security.DOCS_CSP`).
Without the package the page says how to get it and links the OpenAPI JSON.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, Response

from storytrace.report.html import esc

DOCS = "/api/docs"
# Swagger UI's files, by the name this app serves them under (no path comes from a request).
ASSETS = {"swagger-ui-bundle.js": "text/javascript; charset=utf-8",
          "swagger-ui.css": "text/css; charset=utf-8"}

INIT_JS = """window.addEventListener("load", function () {
  "use strict";
  window.ui = SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset]
  });
});
"""


def assets_dir() -> Path | None:
    """Swagger UI's folder inside ``fastapi-offline``, or ``None`` if it is not installed."""
    try:
        import fastapi_offline
    except ImportError:
        return None
    folder = Path(fastapi_offline.__file__).parent / "static"
    return folder if all((folder / name).is_file() for name in ASSETS) else None


def docs_page(title: str) -> str:
    """The docs page: Swagger UI's stylesheet and script, then ours; nothing inline."""
    if assets_dir() is None:
        return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<title>{esc(title)} API</title></head><body><h1>{esc(title)} API</h1>"
                "<p>The interactive docs need the <code>fastapi-offline</code> package "
                "(<code>pip install 'storytrace[web]'</code>). The API is described in "
                '<a href="/api/openapi.json">/api/openapi.json</a>.</p></body></html>\n')
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)} API · docs</title>\n"
            '<link rel="icon" href="data:,">\n'
            f'<link rel="stylesheet" href="{DOCS}/swagger-ui.css">\n'
            "</head>\n<body>\n"
            '<div id="swagger-ui"><p>Loading the API docs… (the OpenAPI description is at '
            '<a href="/api/openapi.json">/api/openapi.json</a>)</p></div>\n'
            f'<script src="{DOCS}/swagger-ui-bundle.js"></script>\n'
            f'<script src="{DOCS}/init.js"></script>\n</body>\n</html>\n')


def add_docs(app: FastAPI) -> None:
    """Routes of the offline docs: the page, its init script and Swagger UI's two files."""

    @app.get(DOCS, response_class=HTMLResponse, include_in_schema=False)
    def docs() -> str:
        return docs_page(app.title)

    @app.get(f"{DOCS}/init.js", include_in_schema=False)
    def docs_init() -> Response:
        return Response(INIT_JS, media_type="text/javascript; charset=utf-8",
                        headers={"cache-control": "no-cache"})

    def asset(name: str) -> FileResponse:
        folder = assets_dir()
        if folder is None:
            raise HTTPException(404, "fastapi-offline is not installed")
        return FileResponse(folder / name, media_type=ASSETS[name],
                            headers={"cache-control": "max-age=86400"})

    @app.get(f"{DOCS}/swagger-ui-bundle.js", include_in_schema=False)
    def docs_script() -> FileResponse:
        return asset("swagger-ui-bundle.js")

    @app.get(f"{DOCS}/swagger-ui.css", include_in_schema=False)
    def docs_style() -> FileResponse:
        return asset("swagger-ui.css")
