"""Local web UI and JSON API over a store (needs the ``web`` extra: FastAPI, uvicorn).

>>> from storytrace.web import create_app        # doctest: +SKIP
>>> app = create_app("storytrace.db")            # doctest: +SKIP
"""

from storytrace.web.app import create_app

__all__ = ["create_app"]
