"""Site boilerplate: the text an outlet prints on many of its pages (a newsletter pitch, a
disclaimer, a donation appeal, a related-stories list, a footer).

Such text is shared by articles that share nothing else, so it must not count as reuse,
as evidence of who copied whom, or as a sign of one story. It is found the way passim
filters frequent n-grams: by document frequency. Each article is cut into blocks (its
sentences and lines of four or more words); a block is keyed by its lower-cased words,
hashed. A key printed by at least ``min_articles`` articles of one site (the outlet, else
the URL's domain) is that site's boilerplate; so is a block worded like promotion or small
print ("All rights reserved", "Subscribe to...") printed by ``min_articles`` articles of
any sites (a wire's copyright line); a key printed by at least ``corpus_min`` articles of
the whole corpus is boilerplate everywhere (an article with no outlet or url has only the
last two rules). Credit lines ("Source: X", "As reported by X", "..., according to X")
are never boilerplate, even when they recur: provenance needs them.

Without a corpus (``storytrace compare`` of two files), :func:`promo_blocks` recognises
the usual promotional and legal blocks by their wording.

Everything here is a plain function over text; the trace engines count the keys (the
local one in the store, incrementally; Spark over the corpus) and mask what is
boilerplate before aligning, so every offset stays an offset into the original text.

>>> text = "Bridge closes. Sign up for our newsletter to get the news first."
>>> [text[s:e] for s, e, _ in block_keys(text)]
['Sign up for our newsletter to get the news first.']
>>> masked = mask(text, [(15, len(text))])
>>> masked.rstrip(), len(masked) == len(text)
('Bridge closes.', True)
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import xxhash

from storytrace.text.segment import sentences
from storytrace.text.words import JOINERS, WORD

# A credit stays evidence however often it recurs (provenance reads it).
_CREDIT = re.compile(r"^\W*(?:source|via|h/t|hat tip|originally published|reprinted)\b"
                     r"|\bas (?:first )?reported (?:by|at|in|on)\b|\baccording to\b"
                     r"|\bcourtesy of\b", re.IGNORECASE)
# Promotional and legal wording (for `compare` without a corpus).
_PROMO = re.compile(
    r"\b(?:sign up|subscribe|newsletter|all rights reserved|copyright|disclaimer"
    r"|has not been edited by|auto-generated from a syndicated feed"
    r"|follow (?:us|[\w.]+) on (?:twitter|facebook|instagram)"
    r"|the views expressed|opinions expressed|donate now|donate today|share this (?:article|story)"
    r"|featured image|follow us|like us on|click here|terms of (?:use|service)"
    r"|privacy policy|related (?:stories|articles|posts)|recommended for you"
    # a paywall or registration form, an ad break, a financial disclosure
    r"|free trial|registered users can|enter your (?:details|email)|first name last name"
    r"|password (?:for your account|must)|request a (?:full |free )?trial"
    r"|(?:article|story) continue[sd]? below|has no position in (?:any|the) stocks?"
    r"|may not be (?:published|reproduced|republished|redistributed)"
    # a shop's or a petition's call to act ("... digestible chapters. Buy Now", "Add your
    # name to millions demanding ..."): "buy now" only where it ends the block
    r"|buy now(?=[^\w]*$)|add your name (?:to|and|here|now)|sign (?:the|our) petition"
    # a syndication notice ("... has not been edited by NDTV staff and is auto-generated
    # from a syndicated feed")
    r"|(?:auto-generated|published) from a syndicated feed)\b|©",
    re.IGNORECASE)

# A line that credits where a text comes from ("Source: X", "Originally published by X",
# "Reprinted with permission from X"): evidence of provenance, but not copied content.
_CREDIT_LINE = re.compile(
    r"^\W*(?:source|via|h/t|hat tip)\b\s*:|\boriginally (?:published|appeared)\b"
    r"|\breprinted (?:with permission|by permission|from)\b|\bas (?:first )?reported (?:by|at|in)\b"
    r"|\bcourtesy of\b", re.IGNORECASE)
#: A credit line longer than this many words is a sentence of the story that names a source.
CREDIT_LINE_WORDS = 30

# Each word without its inner punctuation (as text.words.plain_word), for a whole block.
_NO_JOINERS = str.maketrans("", "", JOINERS)
# _PROMO without IGNORECASE, for ASCII text lower-cased: the same matches (its pattern is
# lower case, and ASCII letters fold only to each other), three times faster.
_PROMO_LOWER = re.compile(_PROMO.pattern)
assert _PROMO.pattern == _PROMO.pattern.lower()


def _promo(block: str) -> bool:
    """Whether ``block`` reads like promotion or small print (``_PROMO`` finds it)."""
    if block.isascii():
        return _PROMO_LOWER.search(block.lower()) is not None
    return _PROMO.search(block) is not None


# Words of which every match of a pattern holds one (each alternative of it has one of
# them in full), to skip the pattern's search over a whole ASCII text that holds none: a
# search through every position of every block costs ten times a scan for these words.
# Blocks are sentences and lines, so a block's neighbours in the text are whitespace (or
# none), and ``\b`` reads a block's ends as it reads them inside the text.
_PROMO_WORDS = ("sign up", "subscribe", "newsletter", "all rights reserved", "copyright",
                "disclaimer", "has not been edited by", "syndicated feed", "follow",
                "expressed", "donate", "share this", "featured image", "like us on",
                "click here", "terms of", "privacy policy", "related", "recommended for you",
                "free trial", "registered users can", "enter your", "first name last name",
                "password", "request a", "continue", "has no position in", "may not be", "©",
                "buy now", "add your name", "petition")
_CREDIT_WORDS = ("source", "via", "h/t", "hat tip", "originally published", "reprinted",
                 "reported", "according to", "courtesy of")
_CREDIT_LINE_WORDS = ("source", "via", "h/t", "hat tip", "originally", "reprinted",
                      "reported", "courtesy of")
# _CREDIT and _CREDIT_LINE without IGNORECASE, for lower-cased ASCII (as _PROMO_LOWER)
_CREDIT_LOWER = re.compile(_CREDIT.pattern)
_CREDIT_LINE_LOWER = re.compile(_CREDIT_LINE.pattern)
assert all(re.sub(r"\\.", "", p) == re.sub(r"\\.", "", p).lower()  # escapes aside
           for p in (_CREDIT.pattern, _CREDIT_LINE.pattern))


def _may_match(lower: str | None, words: tuple[str, ...]) -> bool:
    """Whether a text (``lower``: the whole of it lower-cased, ``None`` unless it is
    ASCII) may hold a match of the pattern that ``words`` stand for."""
    return lower is None or any(w in lower for w in words)


# The heading of a list of links to other stories (a sidebar, a "related" box).
_NAV_HEADING = re.compile(
    r"^[^\w\n]*(?:related(?: stories| articles| posts| news)?|more (?:stories|news|from)"
    r"|read more|you (?:may|might) also like|recommended(?: for you)?|popular(?: now| stories)?"
    r"|trending(?: now| stories)?|most (?:read|popular)|top stories|latest (?:news|stories)"
    r"|also on|see also)\b[^\n]{0,40}$", re.IGNORECASE | re.MULTILINE)


_BLANK_LINE = re.compile(r"\n\n")


def navigation_blocks(text: str) -> list[tuple[int, int]]:
    r"""A list of links to other stories: a heading such as "Related stories" or "Read more"
    on a line of its own, and the lines under it up to a blank line. Its headlines are
    other articles' words, printed for navigation, not reused.

    >>> t = "The bridge closes.\n\nRelated stories:\n- Mayor resigns\n- Dam fails\n\nEnd."
    >>> [t[s:e] for s, e in navigation_blocks(t)]
    ['Related stories:\n- Mayor resigns\n- Dam fails']
    """
    blanks = [m.start() for m in _BLANK_LINE.finditer(text)]
    spans: list[tuple[int, int]] = []
    for m in _NAV_HEADING.finditer(text):
        if spans and m.start() < spans[-1][1]:
            continue  # a heading inside a list already found (each line is read once)
        k = bisect_left(blanks, m.end())
        end = blanks[k] if k < len(blanks) else len(text)
        if end == len(text) or text.find("\n", m.end(), end) >= 0:
            spans.append((m.start(), end))
    return spans


@dataclass(frozen=True)
class BoilerplateOptions:
    """When recurring text is boilerplate.

    min_words : blocks shorter than this are not keyed (a dateline, a byline).
    min_articles : a site's block printed by this many of its articles is boilerplate.
    corpus_min : a block printed by this many articles of the corpus, any site, is
        boilerplate everywhere (high: a wire story copied by many outlets is not).
    """

    min_words: int = 4
    min_articles: int = 3
    corpus_min: int = 50


@dataclass(frozen=True)
class Boilerplate:
    """A corpus's boilerplate: the blocks that are boilerplate on one site, and those
    that are boilerplate everywhere (see :class:`BoilerplateOptions`).

    >>> footer = "Copyright 2017 Daily Eagle Media, all rights reserved."
    >>> (_, _, key), = block_keys(footer)
    >>> model = Boilerplate(frozenset([("daily eagle", key)]))
    >>> text, aside = model.mask("Bridge closes. " + footer, "daily eagle")
    >>> aside, text.strip(), model.mask(footer, "another site")[1]
    (54, 'Bridge closes.', 0)
    """

    site_blocks: frozenset[tuple[str, int]] = frozenset()
    corpus_blocks: frozenset[int] = frozenset()
    options: BoilerplateOptions = BoilerplateOptions()

    def __call__(self, site: str, key: int) -> bool:
        return (key in self.corpus_blocks or (site, key) in self.site_blocks
                or (PROMO_SITE, key) in self.site_blocks)

    def __len__(self) -> int:
        """How many different blocks of text are boilerplate (somewhere)."""
        return len({key for _, key in self.site_blocks} | self.corpus_blocks)

    def spans(self, text: str, site: str) -> list[tuple[int, int]]:
        """The spans of ``text`` (an article of ``site``) that are boilerplate: the blocks
        the counts found, and lists of links to other stories (:func:`navigation_blocks`)."""
        found = boilerplate_spans(text, site, self, self.options.min_words) if self else []
        return _union([*found, *navigation_blocks(text)])

    def mask(self, text: str, site: str) -> tuple[str, int]:
        """``text`` with its boilerplate blanked (offsets kept), and how many characters
        were set aside."""
        spans = self.spans(text, site)
        return (mask(text, spans), sum(e - s for s, e in spans)) if spans else (text, 0)


def page_of(url: str, fallback: str) -> int:
    """Which page an article is, for counting: its URL without scheme, ``www.``, fragment
    and trailing slash (a page crawled twice counts once), else ``fallback`` (its id).

    >>> page_of("https://www.x.com/a/", "1") == page_of("http://x.com/a#top", "2")
    True
    >>> page_of("http://[bad", "1") == page_of("http://[bad", "2")
    True
    """
    url = url.strip()
    if url:
        try:
            parts = urlsplit(url) if "://" in url else urlsplit("//" + url)
            host = (parts.hostname or "").removeprefix("www.")
            key = f"{host}{parts.path.rstrip('/')}?{parts.query}"
        except ValueError:  # not a URL urllib can read ("http://[bad"): the text itself
            key = url
    else:
        key = "\x00" + fallback
    return xxhash.xxh64_intdigest(key.encode("utf-8", "surrogatepass")) - (1 << 63)


#: The pseudo-site under which promotional blocks are also counted, whatever their site: a
#: wire's copyright line or a syndication notice printed by a few articles of many sites.
PROMO_SITE = "*promo"


def counted_keys(text: str, site: str, min_words: int = 4) -> set[tuple[str, int]]:
    """The ``(site, key)`` counts an article adds: each of its blocks under its site, and
    those that read like promotion or small print under :data:`PROMO_SITE` too."""
    out = set()
    promo = _may_match(text.lower() if text.isascii() else None, _PROMO_WORDS)
    for s, e, key in block_keys(text, min_words):
        out.add((site, key))
        if promo and _promo(text[s:e]):
            out.add((PROMO_SITE, key))
    return out


def count_blocks(items: Iterable[tuple[str, str, int]], min_words: int = 4,
                 seen: set[tuple[str, int]] | None = None) -> dict[tuple[str, int], int]:
    """How many of the ``(text, site, page)`` items print each ``(site, key)`` block: an
    item printing a block twice counts once, and so does a page (:func:`page_of`) stored
    again (one in ``seen``, which is updated). Pages, not texts: a sidebar scraped from
    many pages of one site is the site's boilerplate, however alike those pages are.

    >>> counts = count_blocks([("The old bridge closed for repairs.", "x", 1),
    ...                        ("The old bridge closed for repairs. Or not at all.", "x", 2),
    ...                        ("The old bridge closed for repairs. Again.", "x", 1),
    ...                        ("Subscribe to our newsletter today.", "y", 3)])
    >>> sorted(counts.values())  # the newsletter once for its site, once as promotion
    [1, 1, 1, 2]
    """
    seen = set() if seen is None else seen
    counts: dict[tuple[str, int], int] = {}
    for text, site, page in items:
        if (site, page) in seen:
            continue
        seen.add((site, page))
        for pair in counted_keys(text, site, min_words):
            counts[pair] = counts.get(pair, 0) + 1
    return counts


def site_of(outlet: str, url: str) -> str:
    """The site an article belongs to: its outlet, else its URL's domain, else ``""``.

    >>> site_of(" Eagle Rising ", ""), site_of("", "https://www.cnn.com/2017/x.html")
    ('eagle rising', 'cnn.com')
    """
    name = " ".join(outlet.split()).lower()
    if name:
        return name
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def block_keys(text: str, min_words: int = 4) -> list[tuple[int, int, int]]:
    """``(start, end, key)`` of each block (sentence or line) of ``min_words`` or more
    words that is not a credit line; ``key`` hashes its lower-cased words, as MinHash reads
    them (:data:`~storytrace.text.words.WORD` without joiners; signed 64-bit, so it fits
    an SQLite integer).

    >>> [k for _, _, k in block_keys("Share this story with a friend.")] == \\
    ...     [k for _, _, k in block_keys("SHARE this story, with a friend!")]
    True
    """
    out = []
    low = text.lower() if text.isascii() else None  # ASCII: the same length, offsets
    credit = _may_match(low, _CREDIT_WORDS)
    for span in sentences(text):
        block = text[span.start : span.end]
        lower = block.lower() if low is None else low[span.start : span.end]
        words = WORD.findall(lower)
        if len(words) < min_words or (credit and (
                _CREDIT.search(block) if low is None else _CREDIT_LOWER.search(lower))):
            continue
        key = xxhash.xxh64_intdigest(" ".join(words).translate(_NO_JOINERS)
                                     .encode("utf-8", "surrogatepass"))
        out.append((span.start, span.end, key - (1 << 63)))
    return out


def boilerplate_spans(text: str, site: str, is_boilerplate: Callable[[str, int], bool],
                      min_words: int = 4) -> list[tuple[int, int]]:
    """The character spans of ``text`` that ``is_boilerplate(site, key)`` says are its
    site's boilerplate, in order."""
    return [(s, e) for s, e, key in block_keys(text, min_words) if is_boilerplate(site, key)]


def promo_blocks(text: str, min_words: int = 4) -> list[tuple[int, int]]:
    """Blocks that read like promotion or legal small print (a newsletter pitch, a
    copyright line, a donation appeal), and lists of links to other stories, for comparing
    without a corpus.

    >>> t = "The bridge closes. Copyright 2017 ABC News Internet Ventures."
    >>> [t[s:e] for s, e in promo_blocks(t)]
    ['Copyright 2017 ABC News Internet Ventures.']
    """
    if not _may_match(text.lower() if text.isascii() else None, _PROMO_WORDS):
        return _union(navigation_blocks(text))
    return _union([*((s, e) for s, e, _ in block_keys(text, min_words)
                      if _promo(text[s:e])), *navigation_blocks(text)])


def furniture_blocks(text: str) -> list[tuple[int, int]]:
    """Everything of ``text`` that is no article content whoever prints it: the blocks
    :func:`promo_blocks` finds, and credit lines ("Source: X", "This article was originally
    published by X"), which say where a text comes from but are not its story. Sorted,
    merged spans.

    >>> t = ("The bridge closes. Source: City Hall. This article was originally published "
    ...      "on the Town Crier site. Sign up for our newsletter today.")
    >>> [t[s:e][:24] for s, e in furniture_blocks(t)]
    ['Source: City Hall.', 'This article was origina', 'Sign up for our newslett']
    """
    low = text.lower() if text.isascii() else None
    credits = [] if not _may_match(low, _CREDIT_LINE_WORDS) else [
        (s.start, s.end) for s in sentences(text)
        if (_CREDIT_LINE.search(text[s.start : s.end]) if low is None
            else _CREDIT_LINE_LOWER.search(low[s.start : s.end]))
        and len(WORD.findall(text[s.start : s.end])) <= CREDIT_LINE_WORDS]
    return _union([*promo_blocks(text, min_words=2), *credits])


# A page's sharing and comment widgets ("196 SHARES Facebook Twitter", "Share this on
# Facebook", "LIKE this page", "Share your thoughts!"), for `compare`.
_WIDGET = re.compile(
    r"^\W*[\d.,]+\s*k?\s+shares\b|\bshare (?:this (?:post |article |story )?)?on "
    r"(?:facebook|twitter)\b|\blike (?:this|our|us on) (?:page|facebook)\b"
    r"|\bshare your thoughts\b", re.IGNORECASE)


# A photo's caption and credit that a scraped page runs into its headline ("Lester Holt
# ... will be the moderator for the first debate. | Getty Everything you need to know
# ..."): from a block's start to the picture agency's name after a bar.
_CAPTION = re.compile(
    r"(?:\A|(?<=\n\n))[^\n|]{10,400}?\s\|\s(?:Getty(?: Images)?|AP(?: Photo(?:/[A-Z][\w.'-]*"
    r"(?: [A-Z][\w.'-]*)?)?)?|Reuters|AFP(?:/Getty Images)?)(?=\s|$)")


# A page's section labels: CNN's "Story highlights" before its summary, POLITICO's
# "Authors:" on a line of its own at the end (the names were not scraped).
_LABEL = re.compile(r"(?m)^[ \t]*(?:Story highlights(?=[ \t]|$)|Authors?:[ \t]*$)")


def page_furniture(text: str) -> list[tuple[int, int]]:
    r"""What `compare` sets aside without a corpus: the blocks :func:`promo_blocks` finds
    from two words on ("Story Continued Below"), short blocks of sharing or comment
    widgets (up to 16 words), and a photo caption with its agency's credit at a block's
    start ("... | Getty", "... | AP Photo/Mel Evans"): it describes the picture, not the
    story, and is no statement of the text; so are section labels ("Story highlights",
    "Authors:" alone on a line). Credit lines stay: they are evidence of provenance.

    >>> t = ("196 SHARES Facebook Twitter\n\nThe bridge closes. Story Continued Below\n\n"
    ...      "Get the word out – share this post on Facebook and Twitter.")
    >>> [t[s:e][:24] for s, e in page_furniture(t)]
    ['196 SHARES Facebook Twit', 'Story Continued Below', 'Get the word out – share']
    >>> t = "Lester Holt will moderate the debate. | Getty Everything you need to know\n\nText."
    >>> [t[s:e] for s, e in page_furniture(t)]
    ['Lester Holt will moderate the debate. | Getty']
    >>> t = "Story highlights Trump leads by 6\n\nThe poll.\n\nAuthors:"
    >>> [t[s:e] for s, e in page_furniture(t)]
    ['Story highlights', 'Authors:']
    """
    widgets = [(s.start, s.end) for s in sentences(text)
               if _WIDGET.search(text[s.start : s.end])
               and len(WORD.findall(text[s.start : s.end])) <= 16]
    captions = [m.span() for m in _CAPTION.finditer(text)] if " | " in text else []
    labels = [(m.end() - len(m.group().lstrip()), m.end()) for m in _LABEL.finditer(text)]
    return _union([*promo_blocks(text, min_words=2), *widgets, *captions, *labels])


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, merged spans."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with the characters of ``spans`` blanked (line breaks kept), so that
    aligning it finds nothing there while every offset still points into ``text``."""
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] not in "\n\r":
                chars[i] = " "
    return "".join(chars)


def covered(spans: Sequence[tuple[int, int]], start: int, end: int) -> int:
    """How many characters of ``[start, end)`` the sorted, disjoint ``spans`` cover."""
    return sum(max(0, min(end, e) - max(start, s)) for s, e in spans)
