"""Plain text and Markdown articles: the first line is the title when it looks like one."""

from __future__ import annotations

import re

from storytrace.model import Article

_MAX_TITLE_CHARS = 200
_MAX_TITLE_WORDS = 30


def looks_like_title(line: str) -> bool:
    """Short, one line, and not ending like a sentence of body text.

    >>> looks_like_title("BOOM! NYPD Just DISOBEYED Liberal Mayor’s Order — He’s FINISHED!")
    True
    >>> looks_like_title("Throughout the campaign, the president spent a lot of time on it.")
    False
    """
    line = line.strip()
    if not line or len(line) > _MAX_TITLE_CHARS or len(line.split()) > _MAX_TITLE_WORDS:
        return False
    return not re.search(r"[.,;:]$", line) or line.endswith("...")


def text_article(content: str, where: str) -> Article:
    """An article from a text or Markdown file's decoded content.

    ``text`` is the body with its original characters (the title line and the
    blank lines after it removed); ``raw`` keeps the whole file.
    """
    title = ""
    body_start = 0
    m = re.match(r"\s*([^\n]*)\n", content)
    if m and looks_like_title(m.group(1).lstrip("# ")) and content[m.end():].strip():
        title = m.group(1).strip().lstrip("#").strip()
        body_start = m.end()
    body = content[body_start:]
    lead = len(body) - len(body.lstrip())
    body = body[lead:].rstrip()
    return Article(text=body, title=title, raw=content if body != content else None, source=where)
