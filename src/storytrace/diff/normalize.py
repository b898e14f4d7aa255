"""Normalise how facts are written so two versions can be compared by value.

"a 51-year-old" and "51", "March 2" and "2 March", "$115 million" and "115 million dollars"
are the same fact written differently; each function here maps a surface form to one
comparable string (or number), and returns ``None`` when it cannot read the form.
"""

from __future__ import annotations

import re

from storytrace.diff.lexicon import MONTHS, WEEKDAYS

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
SCALES = {"dozen": 12, "hundred": 100, "thousand": 1_000, "million": 1_000_000,
          "billion": 1_000_000_000, "trillion": 1_000_000_000_000, "k": 1_000, "m": 1_000_000,
          "mn": 1_000_000, "bn": 1_000_000_000}
NUMBER_WORDS = frozenset(_UNITS) | {"dozen", "hundred", "thousand", "million", "billion",
                                    "trillion"}

_CURRENCIES = {
    "$": "USD", "us$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD", "bucks": "USD",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "£": "GBP", "gbp": "GBP",
    "pound": "GBP", "pounds": "GBP", "¥": "JPY", "yen": "JPY", "yuan": "CNY", "peso": "MXN",
    "pesos": "MXN", "c$": "CAD", "a$": "AUD", "au$": "AUD",
}


def parse_number(text: str) -> float | None:
    """The value of a number written in digits, words or both.

    >>> parse_number("1,200"), parse_number("3.5 million"), parse_number("twenty-one")
    (1200.0, 3500000.0, 21.0)
    >>> parse_number("two hundred and five"), parse_number("a dozen"), parse_number("115bn")
    (205.0, 12.0, 115000000000.0)
    >>> parse_number("several") is None
    True
    """
    words = re.findall(r"\d[\d,]*(?:\.\d+)?|[a-z]+", text.lower().replace("-", " "))
    if not words:
        return None
    total, current, seen = 0.0, 0.0, False
    for i, w in enumerate(words):
        if w[0].isdigit():
            try:
                current += float(w.replace(",", ""))
            except ValueError:
                return None
        elif w in _UNITS:
            current += _UNITS[w]
        elif w == "a" and i == 0 and len(words) > 1:
            current = 1.0
            continue
        elif w == "and" and seen:
            continue
        elif w in SCALES:
            scale = SCALES[w]
            if scale < 1_000:  # "two hundred", "two dozen" multiply what came before
                current = (current or 1) * scale
            else:
                total += (current or 1) * scale
                current = 0.0
        else:
            return None
        seen = True
    return total + current if seen else None


def format_number(x: float) -> str:
    """Shortest exact decimal form: ``12.0`` → ``"12"``, ``2.5`` → ``"2.5"``.

    >>> format_number(115000000.0), format_number(2.5)
    ('115000000', '2.5')
    """
    return str(int(x)) if x == int(x) else f"{x:.6g}"


def normalize_number(text: str) -> str | None:
    """Canonical number string, or ``None``.

    >>> normalize_number("twelve"), normalize_number("12"), normalize_number("1.5 million")
    ('12', '12', '1500000')
    """
    x = parse_number(text)
    return None if x is None else format_number(x)


def normalize_money(text: str) -> str | None:
    """``"CUR amount"`` for an amount of money, or ``None``.

    >>> normalize_money("$115 million") == normalize_money("115 million dollars")
    True
    >>> normalize_money("$115 million"), normalize_money("£3.5bn"), normalize_money("€20")
    ('USD 115000000', 'GBP 3500000000', 'EUR 20')
    >>> normalize_money("a million dollars")
    'USD 1000000'
    """
    t = text.strip().lower().replace("\u00a0", " ")
    currency = None
    m = re.match(r"(us\$|c\$|a\$|au\$|[$€£¥])\s?", t)
    if m:
        currency = _CURRENCIES[m.group(1)]
        t = t[m.end():]
    else:
        m = re.search(r"\s(?:us\s)?(dollars?|euros?|pounds?|yen|yuan|pesos?|usd|eur|gbp|bucks)"
                      r"(?:\ssterling)?$", t)
        if not m:
            return None
        currency = _CURRENCIES[m.group(1)]
        t = t[: m.start()]
    x = parse_number(t)
    return None if x is None else f"{currency} {format_number(x)}"


def normalize_age(text: str) -> int | None:
    """The age in years that a phrase gives.

    >>> normalize_age("a 51-year-old"), normalize_age("51"), normalize_age("aged 51")
    (51, 51, 51)
    >>> normalize_age("fifty-one-year-old"), normalize_age("51 years old")
    (51, 51)
    """
    t = re.sub(r"^(?:an?|aged?)\s+", "", text.strip().lower())
    t = re.sub(r"[-\s]+years?[-\s]+old$", "", t)
    x = parse_number(t)
    if x is None or x != int(x) or not 0 <= x <= 125:
        return None
    return int(x)


def normalize_date(text: str) -> str | None:
    """An ISO 8601 form with unknown parts left out: ``YYYY-MM-DD``, ``--MM-DD``, ``YYYY``.

    Month-and-day dates without a year become ``--MM-DD`` (ISO 8601's form for them), so
    "March 2" and "2 March" agree; a month alone is ``--MM``; a weekday is its name.

    >>> normalize_date("March 2"), normalize_date("2 March"), normalize_date("2nd of March")
    ('--03-02', '--03-02', '--03-02')
    >>> normalize_date("March 2, 2017"), normalize_date("Feb. 14"), normalize_date("2014")
    ('2017-03-02', '--02-14', '2014')
    >>> normalize_date("February"), normalize_date("March 2017"), normalize_date("Monday")
    ('--02', '2017-03', 'monday')
    """
    t = text.strip().lower().replace(".", "").replace(",", " ")
    if t.rstrip("s") in WEEKDAYS:
        return t.rstrip("s")
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", t)
    if m:
        return t
    year = re.search(r"\b(1[6-9]\d\d|20\d\d)$", t)
    y = year.group(1) if year else None
    rest = t[: year.start()].strip() if year else t
    if not rest:
        return y
    month = day = None
    for w in re.findall(r"[a-z]+|\d+", rest):
        if w in MONTHS:
            month = MONTHS[w]
        elif w.isdigit():
            day = int(w)
        elif w not in ("st", "nd", "rd", "th", "of", "the"):
            return None
    if month is None or (day is not None and not 1 <= day <= 31):
        return None
    md = f"{month:02d}" + (f"-{day:02d}" if day else "")
    return f"{y}-{md}" if y else f"--{md}"


def dates_match(x: str, y: str) -> bool:
    """Whether two normalised dates can be the same day: equal, or one lacks the year.

    >>> dates_match("--03-02", "2017-03-02"), dates_match("--03-02", "--03-15")
    (True, False)
    """
    if x == y:
        return True
    (yx, mdx), (yy, mdy) = _split_date(x), _split_date(y)
    return len(mdx) == 5 and mdx == mdy and (yx is None or yy is None)


def _split_date(v: str) -> tuple[str | None, str]:
    """``"2017-03-02"`` → ``("2017", "03-02")``; ``"--03-02"`` → ``(None, "03-02")``."""
    if v.startswith("--"):
        return None, v[2:]
    year, _, rest = v.partition("-")
    return (year, rest) if year.isdigit() else (None, v)


def normalize_time(text: str) -> str | None:
    """``HH:MM`` on a 24-hour clock.

    >>> normalize_time("10 a.m."), normalize_time("10:30 pm"), normalize_time("noon")
    ('10:00', '22:30', '12:00')
    """
    t = text.strip().lower().replace(".", "").replace(" ", "")
    if t in ("noon", "midday"):
        return "12:00"
    if t == "midnight":
        return "00:00"
    m = re.fullmatch(r"(\d{1,2})(?::(\d\d))?(am|pm)?", t)
    if not m:
        return None
    h, mins = int(m.group(1)), int(m.group(2) or 0)
    if m.group(3) == "pm" and h < 12:
        h += 12
    elif m.group(3) == "am" and h == 12:
        h = 0
    if h > 23 or mins > 59:
        return None
    return f"{h:02d}:{mins:02d}"


def normalize_quote(text: str) -> str:
    """Quoted words, lower-cased, without quote marks or punctuation.

    >>> normalize_quote("“collusion.”") == normalize_quote('"Collusion"')
    True
    """
    # Not the shared WORD: a quotation is the same whether its words are hyphenated or
    # not ("stop-and-frisk" / "stop and frisk", "watered-down"), and WORD joins hyphens.
    # On the 2,582 quotations of the seeds and FakeNewsNet, WORD's words (normalised)
    # matched 232 pairs across texts, these words 249: 14 of the 17 more are such
    # spellings, 3 pair a stray '" she said. "' with '"she-said"'.
    t = text.lower().replace("’", "'").replace("‘", "'")
    return " ".join(re.findall(r"\w+(?:'\w+)*", t))
