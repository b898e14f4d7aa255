"""`storytrace serve` as a user runs it: a process that says where it listens, once it does."""

from __future__ import annotations

import queue
import re
import socket
import subprocess
import sys
import threading
import urllib.request

import pytest

pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")
pytest.importorskip("uvicorn", reason="the web extra (uvicorn) is not installed")

from storytrace.model import Article
from storytrace.store import Store

HANG_GUARD = 180  # seconds: a cold start takes a few; this only stops a server that never starts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def small_store(path) -> None:
    text = " ".join(f"Paragraph {i}: the council said the bridge will close for repairs "
                    f"in week {i}." for i in range(6))
    with Store(path) as store:
        store.add([Article(id="wire-1", title="Bridge to close", text=text, outlet="Wire"),
                   Article(id="copy-1", title="Bridge closing", text="Local take. " + text,
                           outlet="Daily")])


def test_serve_prints_its_url_once_listening_and_answers(tmp_path):
    db = tmp_path / "store.db"
    small_store(db)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "storytrace", "serve", "--db", str(db),
                             "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in proc.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    seen: list[str] = []
    try:
        url = None
        while url is None:
            try:
                line = lines.get(timeout=HANG_GUARD)
            except queue.Empty:
                pytest.fail(f"no URL line within the {HANG_GUARD} s hang guard: {seen}")
            if line is None:
                pytest.fail(f"serve exited ({proc.wait()}) before listening: {seen}")
            seen.append(line)
            m = re.search(r"serving .* on (http://127\.0\.0\.1:(\d+)/)", line)
            if m:
                url = m.group(1)
                assert int(m.group(2)) == port
        # Said at once, before the slow imports: the user is not left with a silent prompt.
        assert seen[0].startswith("storytrace: starting"), seen
        # The address is printed only once the server listens: the first request works.
        with urllib.request.urlopen(url, timeout=HANG_GUARD) as r:
            assert r.status == 200
            assert "text/html" in r.headers["content-type"]
            assert "storytrace" in r.read().decode("utf-8").lower()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode in (0, -15), seen
