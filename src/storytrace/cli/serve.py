"""`storytrace serve`: the local web UI and JSON API over a store."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import typer

from storytrace.cli.articles import DbOption
from storytrace.cli.output import err, fail

_LOOPBACK = ("127.0.0.1", "localhost")


def serve_cmd(
    db: Path = DbOption,
    host: str = typer.Option("127.0.0.1", help="Address to listen on. Anything but loopback "
                                               "lets other machines read the store."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    semantic: bool = typer.Option(False, "--semantic/--no-semantic",
                                  help="Sentence embeddings in alignment (slower pages)."),
) -> None:
    """Browse the store in a web browser: search, stories, side-by-side compare, paste an
    article to see who printed it. JSON API under /api (docs at /api/docs).

    Read-only: nothing the web UI does changes the store.
    """
    if not db.is_file():
        raise fail(f"no store at {db} (run `storytrace ingest` first or pass --db)")
    # Loading the web stack and the store takes seconds on a cold start: say so at once,
    # and give the address once the server really listens.
    err.print(f"storytrace: starting the web UI for {db} …")
    try:
        import uvicorn

        from storytrace.web import create_app
    except ImportError as exc:
        raise fail(f"storytrace serve needs the web extra ({exc.name} is missing): "
                   "pip install 'storytrace[web]'") from None
    hosts = None
    if host not in _LOOPBACK:
        # Anyone on the network can connect, under any host name; the Host check that
        # guards a loopback server against DNS rebinding would only get in the way.
        err.print(f"warning: serving on {host}: anyone who can reach this address can read "
                  "the store")
        hosts = ["*"]
    try:
        app = create_app(db, semantic=semantic, allowed_hosts=hosts)
    except (sqlite3.Error, RuntimeError) as exc:
        raise fail(f"cannot open store {db}: {exc}") from None
    shown = f"[{host}]" if ":" in host else host

    class Server(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            await super().startup(sockets)
            if self.started:  # bound and accepting: the address works from now on
                bound = self.servers[0].sockets[0].getsockname()[1] if self.servers else port
                err.print(f"storytrace: serving {db} on http://{shown}:{bound}/ "
                          "(Ctrl-C stops)")

    config = uvicorn.Config(app, host=host, port=port, log_level="warning",
                            server_header=False, proxy_headers=False, access_log=False)
    Server(config).run()
