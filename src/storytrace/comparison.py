"""Comparing two versions of a story: the result object behind `storytrace compare`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from storytrace.align import Aligner, Alignment
from storytrace.model import Article
from storytrace.provenance.direction import ORDER_ONLY, UNKNOWN_BECAUSE, leaning
from storytrace.text.boilerplate import Boilerplate, mask, page_furniture, site_of
from storytrace.text.language import detect_language, is_english

#: What `compare` adds beside the aligned passages, each one step of its own.
DETAILS = ("attributions", "direction", "diff", "framing")


@dataclass
class Comparison:
    """Two articles and what they share. Offsets index ``a.text`` and ``b.text``
    (``text_offset`` characters further in a text file, after its title line).

    ``details`` holds the optional analyses by name (``attributions``: credited
    sources and quotes of each side; ``direction``: who copied whom, or "unknown",
    with the evidence; ``diff``: the facts diff; ``framing``: each side's framing signals
    and what the second adds over the first, for English texts), each JSON-ready, and
    with framing, ``language`` (each side's, as detected at ingest or here).
    ``boilerplate`` lists, for ``a`` and ``b``, the spans set aside as site boilerplate
    before anything was aligned
    (``start``, ``end``, ``reason``): none of the above reads them.
    """

    a: Article
    b: Article
    alignment: Alignment
    details: dict[str, Any] = field(default_factory=dict)
    boilerplate: dict[str, list[dict]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        def head(x: Article) -> dict:
            return {"id": x.id, "title": x.title, "outlet": x.outlet, "url": x.url,
                    "published": x.published.isoformat() if x.published else None,
                    "chars": len(x.text), "text_offset": x.text_offset,
                    "title_offset": x.title_offset}

        out = ({"a": head(self.a), "b": head(self.b)} | self.alignment.to_dict()
               | {"boilerplate": self.boilerplate or {"a": [], "b": []},
                  "quoted": self.quoted(),
                  "same_text": self.same_text()} | self.details)
        return out | {"summary": summarize(out)}

    def same_text(self) -> bool:
        """Whether both articles print the same words (white space aside), and some.

        >>> compare(Article(id="a", text=""), Article(id="b", text="")).same_text()
        False
        """
        words = self.a.text.split()
        return bool(words) and words == self.b.text.split()

    def quoted(self) -> dict[str, float]:
        """How much of each side's reused text is quoted speech (between quotation marks,
        or an embedded post): the words of a third party both print, no sign of copying.

        >>> a = Article(id="a", text='The mayor spoke. "We will rebuild the bridge before '
        ...             'winter, whatever it costs," she said on Monday at the town hall.')
        >>> c = compare(a, a)
        >>> c.quoted()["a"] > 0.5, c.quoted() == {"a": c.quoted()["b"], "b": c.quoted()["a"]}
        (True, True)
        """
        from storytrace.provenance.content import quoted_speech

        out = {}
        for side, text in (("a", self.a.text), ("b", self.b.text)):
            spans = [(getattr(p, f"{side}_start"), getattr(p, f"{side}_end"))
                     for p in self.alignment.passages]
            quotes = quoted_speech(text) if spans else ()
            inside = sum(max(0, min(e, qe) - max(s, qs)) for s, e in spans for qs, qe, _ in quotes)
            total = sum(e - s for s, e in spans)
            out[side] = round(inside / total, 4) if total else 0.0
        return out


#: From this share of the reused text in quotation marks (on either side: the other may
#: print it as a block quote), the summary says so.
QUOTED_SHOWN = 0.2
#: The kinds of claim (statements both versions report), as ``diff.claims`` counts them.
CLAIM_KINDS = ("copied", "edited", "paraphrased", "changed_detail")
#: How the views name each claim kind and each direction verdict.
CLAIM_WORDS = {"copied": "copied", "edited": "edited", "paraphrased": "paraphrased",
               "changed_detail": "with a changed detail"}
VERDICTS = {"a->b": "A was copied by B", "b->a": "B was copied by A",
            "siblings": "siblings (both copy a common source)"}


def verdict_words(direction: dict) -> str:
    """A direction verdict in words with its confidence; for ``"unknown"``, which way the
    evidence leans and how far (``confidence`` is then the probability of the likelier
    direction, ``score`` > 0 leaning to A being the source).

    >>> verdict_words({"verdict": "b->a", "confidence": 0.83})
    'B was copied by A (confidence 0.83)'
    >>> verdict_words({"verdict": "unknown", "confidence": 0.59, "score": 0.4})
    'unknown (the evidence leans 0.59 toward B being the copy: too weak to say)'
    """
    verdict, conf, score = (direction.get(k) for k in ("verdict", "confidence", "score"))
    sure = isinstance(conf, int | float)
    if verdict in VERDICTS:
        return VERDICTS[verdict] + (f" (confidence {conf:.2f})" if sure else "")
    lean = (leaning(conf, score) if sure and isinstance(score, int | float)
            and text_lean(direction) else None)
    return f"unknown (the evidence {lean})" if lean else "unknown"


#: The credits a summary names: sources of information, not the people quoted.
CREDIT_TYPES = ("wire", "outlet", "organisation", "document")


def summarize(result: dict) -> dict:
    """The numbers a reader wants first, from a comparison's JSON (``Comparison.to_dict()``,
    or the report's, which may add credits and the direction): what the two share, what
    each adds, who copied whom and the reason that decided it, the credits, and the
    framing each adds. The text, HTML and web views all print this one summary.

    >>> a = Article(id="a", text="The council approved the budget on Monday after a long "
    ...             "debate about roads, bridges and the new library in the north district.")
    >>> s = summarize(compare(a, a).to_dict())
    >>> s["shared"]["passages"], s["shared"]["coverage"]["a"] > 0.9, s["set_aside"]
    (1, True, {'a': 0, 'b': 0})
    >>> s["same_text"], summary_lines(s)[1][:30]
    (True, 'The same text: A and B print t')
    """
    def n(x: object) -> int:
        return len(x) if isinstance(x, list) else 0

    coverage = result.get("coverage") if isinstance(result.get("coverage"), dict) else {}
    quoted = result.get("quoted") if isinstance(result.get("quoted"), dict) else {}
    shared: dict[str, Any] = {"passages": n(result.get("passages")),
                              "coverage": {s: coverage.get(s) for s in ("a", "b")},
                              "quoted": max((float(quoted.get(s) or 0) for s in "ab"),
                                            default=0.0)}
    out: dict[str, Any] = {"shared": shared}
    if result.get("same_text"):
        out["same_text"] = True
    diff = result.get("diff") if isinstance(result.get("diff"), dict) else None
    claims = diff.get("claims") if diff and isinstance(diff.get("claims"), dict) else None
    if claims:
        counts = claims.get("counts") if isinstance(claims.get("counts"), dict) else {}
        shared["claims"] = n(claims.get("pairs"))
        shared["claim_kinds"] = {k: counts[k] for k in CLAIM_KINDS
                                 if isinstance(counts.get(k), int) and counts[k]}
        if isinstance(counts.get("quoted"), int) and counts["quoted"]:
            shared["claims_quoted"] = counts["quoted"]
        if all(isinstance(counts.get(f"{s}_statements"), int) for s in "ab"):
            shared["statements"] = {s: counts[f"{s}_statements"] for s in "ab"}
            shared["statements"].update({f"{s}_twice": counts[f"{s}_twice"] for s in "ab"
                                         if isinstance(counts.get(f"{s}_twice"), int)})
        swapped = swapped_names(claims)
        if swapped:
            shared["names_changed"] = swapped
        out["adds"] = {"a": n(claims.get("a_only")), "b": n(claims.get("b_only"))}
    elif diff and isinstance(diff.get("summary"), dict):
        out["adds"] = {s: n(diff["summary"].get(f"{s}_adds")) for s in ("a", "b")}
    direction = result.get("direction")
    if isinstance(direction, dict):
        names = side_names(result)
        out["direction"] = {"verdict": direction.get("verdict"),
                            "confidence": direction.get("confidence"),
                            "score": direction.get("score") if text_lean(direction) else None,
                            "reason": decisive_reason(direction, names)}
    credits = result.get("attributions")
    if isinstance(credits, dict):
        # A version's own outlet ("Blair tells POLITICO" in a POLITICO story) is its own
        # reporting, not a credit.
        own = {s: _credit_key(str((result.get(s) or {}).get("outlet") or "")) for s in "ab"}
        out["credits"] = {s: [n for n in _credit_names(credits.get(s))
                              if not own[s] or _credit_key(n) != own[s]] for s in ("a", "b")}
        out["people"] = {s: _people_credited(credits.get(s)) for s in ("a", "b")}
    framing = result.get("framing")
    if isinstance(framing, dict):
        out["framing"] = framing_words(framing)
    aside = result.get("boilerplate") if isinstance(result.get("boilerplate"), dict) else {}
    out["set_aside"] = {s: n(aside.get(s)) for s in ("a", "b")}
    repeats = result.get("repeats") if isinstance(result.get("repeats"), dict) else {}
    out["repeats"] = {s: n(repeats.get(s)) for s in ("a", "b")}
    return out


def _clip(text: str, width: int) -> str:
    """``text`` cut at a word boundary to at most ``width`` characters, with "…".

    >>> _clip("a copy usually takes part of its source", 20)
    'a copy usually…'
    """
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    return (cut[: cut.rfind(" ")] if " " in cut else cut).rstrip(" ,;:(") + "…"


def framing_words(framing: dict) -> str:
    """The framing of both versions in one line: each side's headline clickbait and
    hyperpartisan scores, then what B adds over A and what A has that B lacks in the
    writer's own words, and apart, in quoted speech (a source's words; text both print
    is in neither).

    >>> framing_words({"a": {"headline_clickbait": {"score": 0.998},
    ...                      "hyperpartisan": {"score": 0.27}},
    ...                "b": {"headline_clickbait": {"score": 0.04},
    ...                      "hyperpartisan": {"score": 0.22}},
    ...                "delta": {"added": {"loaded_language": 5}, "removed": {"opinion": 1},
    ...                          "quoted": {"added": {"loaded_language": 2}}}})
    'clickbait headline A 1.00, B 0.04; hyperpartisan A 0.27, B 0.22; B adds over A in its \
own words: 5 loaded-language spans; B quotes that A lacks: 2 loaded-language spans; A has \
that B lacks in its own words: 1 opinion sentence'
    >>> framing_words({"delta": {"added": {}, "removed": {}, "quoted": {}}})
    'neither adds framing signals in its own words or in quotations'
    """
    from storytrace.framing.signals import counts_phrase

    if not isinstance(framing.get("delta"), dict):
        return str(framing.get("note") or "")
    sides = {s: framing.get(s) if isinstance(framing.get(s), dict) else {} for s in "ab"}

    def score(side: str, key: str) -> float | None:
        value = sides[side].get(key)
        value = value.get("score") if isinstance(value, dict) else None
        return float(value) if isinstance(value, int | float) else None

    def said(counts: object) -> str:
        counts = counts if isinstance(counts, dict) else {}
        return counts_phrase({k: n for k, n in counts.items() if isinstance(n, int)})

    parts = []
    for key, words, missing in (("headline_clickbait", "clickbait headline", "has no headline"),
                                ("hyperpartisan", "hyperpartisan", "is not scored")):
        a, b = score("a", key), score("b", key)
        if a is not None and b is not None:
            parts.append(f"{words} A {a:.2f}, B {b:.2f}")
        elif a is not None or b is not None:
            side, value = ("A", a) if a is not None else ("B", b)
            parts.append(f"{words} {side} {value:.2f} ({'AB'[side == 'A']} {missing})")
    delta = framing["delta"]
    quoted = delta.get("quoted") if isinstance(delta.get("quoted"), dict) else {}
    # a delta without "quoted" predates the split: its counts are all signals, any voice
    own = " in its own words" if "quoted" in delta else ""
    found = [f"{words}: {phrase}" for counts, words in (
                (delta.get("added"), f"B adds over A{own}"),
                (quoted.get("added"), "B quotes that A lacks"),
                (delta.get("removed"), f"A has that B lacks{own}"),
                (quoted.get("removed"), "A quotes that B lacks")) if (phrase := said(counts))]
    if not found and own:
        found = ["neither adds framing signals in its own words or in quotations"]
    return "; ".join(parts + found) or "no framing signals in either"


def summary_lines(summary: dict) -> list[str]:
    """The summary as lines of text (``comparison.summarize``'s dict)."""
    lines = []
    shared = summary["shared"]
    cov = shared.get("coverage") or {}
    quoted = shared.get("quoted") or 0.0
    bits = [f"{shared['passages']} reused passage{'s' * (shared['passages'] != 1)} "
            f"({_pct(cov.get('a'))} of A, {_pct(cov.get('b'))} of B"
            + (f"; {_pct(quoted)} of it quoted speech)"
               if quoted >= QUOTED_SHOWN else ")")]
    if "claims" in shared:
        bits.append(claims_words(shared))
    lines.append("Shared: " + "; ".join(bits))
    if summary.get("same_text"):
        lines.append("The same text: A and B print the same words (one article stored twice, "
                     "or one body under two headlines)")
    if shared.get("names_changed"):
        lines.append("The same text with names changed: " + ", ".join(shared["names_changed"]))
    if "adds" in summary:
        lines.append(f"Only in A: {summary['adds']['a']} statements; only in B: "
                     f"{summary['adds']['b']}")
    d = summary.get("direction")
    if d:
        lines.append(f"Who copied whom: {verdict_words(d)}"
                     + (f" — {_clip(d['reason'], 200)}" if d.get("reason") else ""))
    credits = summary.get("credits")
    if credits:
        people = summary.get("people") or {}
        named = (f" · people quoted or cited: A {people.get('a', 0)}, B {people.get('b', 0)}"
                 " (--full)") if any(people.values()) else ""
        lines.append("Credits: " + credit_line(credits) + named)
    if summary.get("framing"):
        lines.append(f"Framing: {summary['framing']}")
    aside = summary.get("set_aside") or {}
    if any(aside.values()):
        n_a = aside.get("a", 0)
        lines.append(f"Set aside before comparing: {n_a} block{'s' * (n_a != 1)} of A, "
                     f"{aside.get('b', 0)} of B (site boilerplate, promotion)")
    repeats = summary.get("repeats") or {}
    if any(repeats.values()):
        lines.append("Printed twice inside one text: " + "; ".join(
            f"{repeats[s]} passage{'s' * (repeats[s] != 1)} repeated in {s.upper()}"
            for s in ("a", "b") if repeats.get(s)))
    return lines


def claims_words(shared: dict) -> str:
    """The shared statements in words: how many of each version's statements report a
    fact the other reports (a statement with two counterparts counts once, and is told),
    and the kinds of the pairs.

    >>> claims_words({"claims": 18, "statements": {"a": 17, "b": 18, "a_twice": 1},
    ...               "claim_kinds": {"copied": 11, "edited": 7}})
    '17 statements of A and 18 of B report the same facts, in 18 pairs (1 statement of A \
in two pairs or more; 11 copied, 7 edited)'
    >>> claims_words({"claims": 2, "statements": {"a": 2, "b": 2}})
    '2 statements report the same facts'
    >>> claims_words({"claims": 3, "statements": {"a": 3, "b": 3}, "claims_quoted": 2,
    ...               "claim_kinds": {"copied": 3}})
    "3 statements report the same facts (3 copied; 2 of them quotations both print, a \
source's words, not the writers')"
    """
    pairs, both = shared["claims"], shared.get("statements") or {}
    twice = [f"{both[f'{s}_twice']} statement{'s' * (both[f'{s}_twice'] != 1)} of "
             f"{s.upper()}" for s in "ab" if both.get(f"{s}_twice")]
    notes = ", ".join(f"{v} {CLAIM_WORDS.get(k, k)}"
                      for k, v in shared.get("claim_kinds", {}).items())
    if shared.get("claims_quoted"):
        q = shared["claims_quoted"]
        notes += (f"; {q} of them {'a quotation' if q == 1 else 'quotations'} both print, a "
                  "source's words, not the writers'")
    if twice:
        notes = f"{' and '.join(twice)} in two pairs or more" + (f"; {notes}" if notes else "")
    if both and (twice or not both.get("a") == both.get("b") == pairs):
        return (f"{both.get('a')} statements of A and {both.get('b')} of B report the same "
                f"facts, in {pairs} pair{'s' * (pairs != 1)}" + (f" ({notes})" if notes else ""))
    return f"{pairs} statements report the same facts" + (f" ({notes})" if notes else "")


#: From this share of each version's statements shared, names changed inside shared
#: statements make "the same text with names changed" (a template with names swapped).
SWAP_SHARE = 0.8


def swapped_names(claims: dict) -> list[str]:
    """The names one version changed in the other's text (``"Bill Murray → Vin Diesel"``,
    each once, in A's order) when both versions are nearly all shared statements
    (:data:`SWAP_SHARE`) and two names or more changed; else none.

    >>> pair = {"details": [{"kind": "name", "change": "changed",
    ...          "a": {"text": "Rochester"}, "b": {"text": "Rockford"}}]}
    >>> other = {"details": [{"kind": "name", "change": "changed",
    ...          "a": {"text": "Murray"}, "b": {"text": "Diesel"}}]}
    >>> swapped_names({"pairs": [pair, other, pair], "a_only": [], "b_only": [],
    ...                "counts": {"a_statements": 3, "b_statements": 3}})
    ['Rochester → Rockford', 'Murray → Diesel']
    """
    counts = claims.get("counts") if isinstance(claims.get("counts"), dict) else {}
    for side in "ab":
        shared, only = counts.get(f"{side}_statements"), claims.get(f"{side}_only")
        if not isinstance(shared, int) or not isinstance(only, list) or \
                shared < SWAP_SHARE * (shared + len(only)):
            return []
    found: dict[tuple[str, str], None] = {}
    for pair in claims.get("pairs") or []:
        for d in pair.get("details") or []:
            a, b = d.get("a"), d.get("b")
            if d.get("kind") == "name" and d.get("change") == "changed" and \
                    isinstance(a, dict) and isinstance(b, dict):
                found.setdefault((str(a.get("text")), str(b.get("text"))), None)
    said: list[tuple[set[str], set[str], str]] = []
    for x, y in found:  # "Rochester" after "ROCHESTER", "Murray" after "Bill Murray": once
        wx, wy = set(x.lower().split()), set(y.lower().split())
        if not any(wx <= sx and wy <= sy for sx, sy, _ in said):
            said.append((wx, wy, f"{x} → {y}"))
    return [s for _, _, s in said] if len(said) >= 2 else []


def _pct(x: object) -> str:
    return f"{x:.0%}" if isinstance(x, int | float) else "?"


def claim_kind_words(pair: dict) -> str:
    """How the views name a shared statement's kind (a ``pairs`` item of
    ``diff.claims``), saying when it is a quotation both versions print.

    >>> claim_kind_words({"kind": "copied", "quoted": True})
    'copied, a quotation both print'
    >>> claim_kind_words({"kind": "changed_detail"})
    'with a changed detail'
    """
    kind = str(pair.get("kind") or "claim")
    return CLAIM_WORDS.get(kind, kind) + (", a quotation both print"
                                          if pair.get("quoted") is True else "")


def claim_change(d: dict) -> str:
    """One change inside a shared statement (a ``details`` item of ``diff.claims``), as
    text: ``number “51-year-old” → “51”``, or what one side only has.

    >>> claim_change({"kind": "qualifier", "a": {"text": "misdemeanor"}, "b": None})
    'qualifier only in A: “misdemeanor”'
    """
    a, b = d.get("a"), d.get("b")
    at = a.get("text") if isinstance(a, dict) else None
    bt = b.get("text") if isinstance(b, dict) else None
    kind = str(d.get("kind") or "detail")
    if at and bt:
        return f"{kind} “{at}” → “{bt}”"
    return f"{kind} only in {'A' if at else 'B'}: “{at or bt or ''}”"


def side_names(result: dict) -> dict[str, str]:
    """``{article id: "A" or "B"}`` for a comparison's JSON (ids that are missing are left
    out), so that evidence written with ids reads with the sides' letters."""
    return {str(result[s]["id"]): s.upper() for s in ("a", "b")
            if isinstance(result.get(s), dict) and result[s].get("id")}


def by_side(detail: str, names: dict[str, str]) -> str:
    """An evidence line with each article id replaced by its side's letter.

    >>> by_side("ed3bc1 was published 14.0 hours before 54ead9", {"ed3bc1": "A", "54ead9": "B"})
    'A was published 14.0 hours before B'
    """
    for ident, name in sorted(names.items(), key=lambda x: -len(x[0])):
        if ident and ident != name:
            detail = detail.replace(ident, name)
    return detail


def text_lean(direction: dict) -> bool:
    """Whether an "unknown" verdict's lean is worth saying: some weighted evidence besides
    publication order and overlap points its way, and nothing makes it unknown by itself
    (a common source, only quoted speech in common). Order and overlap alone lean toward
    the later or the more contained version whatever happened, and when both may take the
    text from elsewhere (a wire, an interview, a statement) they say nothing of who copied
    whom: the lean is then left to the evidence lines and the JSON (reviewers read 4 of 6
    such leans as misleading). Other verdicts, and a summary's direction (no evidence
    there: :func:`summarize` leaves its score out instead): always true.

    >>> text_lean({"verdict": "unknown", "score": 0.4, "evidence": [
    ...     {"name": "time", "points": "a->b", "weight": 1.5}]})
    False
    >>> text_lean({"verdict": "unknown", "score": 0.4, "evidence": [
    ...     {"name": "slips", "points": "a->b", "weight": 1.0}]})
    True
    """
    if direction.get("verdict") != "unknown" or "evidence" not in direction:
        return True  # a summary's direction: its score is already left out if not
    items = [e for e in direction.get("evidence") or [] if isinstance(e, dict)]
    if any(e.get("name") in UNKNOWN_BECAUSE for e in items):
        return False
    score = direction.get("score")
    way = "a->b" if isinstance(score, int | float) and score > 0 else "b->a"
    return any(e.get("points") == way and float(e.get("weight") or 0) > 0
               and e.get("name") not in ORDER_ONLY for e in items)


def decisive_reason(direction: dict, names: dict[str, str] | None = None) -> str:
    """The evidence line that weighs most for the verdict, with article ids replaced by
    ``names`` (``{id: "A"}``). For "unknown": the line that makes it unknown (a common
    source the copy names, only quoted speech in common), else the strongest line that
    points some way, saying it did not decide, else that nothing points either way (a
    line that weighs nothing decides nothing, and is not named as the strongest).

    >>> decisive_reason({"verdict": "unknown", "evidence": [{"name": "credit", "points":
    ...     "none", "weight": 0.0, "detail": "x credits Egypt's state news agency"}]})
    'nothing decides: no evidence points either way'
    """
    items = [e for e in direction.get("evidence") or [] if isinstance(e, dict)]
    verdict = direction.get("verdict")
    if verdict == "unknown":
        why = next((e for e in items if e.get("name") in UNKNOWN_BECAUSE), None)
        if why is not None:
            return f"{_label(why)}: {by_side(str(why.get('detail') or ''), names or {})}"
        items = [e for e in items if float(e.get("weight") or 0) > 0]
        if not items:
            return "nothing decides: no evidence points either way"
        if all(e.get("name") in ORDER_ONLY for e in items):
            return ("nothing in the texts says which is the copy: only publication order "
                    "and overlap point a way, and they would point so if both took the "
                    "text from elsewhere (--full)")
    backing = [e for e in items if e.get("points") == verdict] or items
    if not backing:
        return ""
    best = max(backing, key=lambda e: abs(float(e.get("weight") or 0)))
    detail = by_side(str(best.get("detail") or ""), names or {})
    text = f"{_label(best)}: {detail}"
    return text if verdict != "unknown" else f"nothing decides; strongest: {text}"


def _label(item: dict) -> str:
    return str(item.get("name") or "").replace("_", " ")


def _credit_names(found: object) -> list[str]:
    """The named sources a version credits, for the summary: each once, in the text's
    order, a pronoun or bare title by the name it stands for, and the outlet a source
    spoke to ("insisted to The New York Times"); a credit that names no one ("the
    report", "The lawsuit, filed in ...") or denies ("Neither CHAI nor ...") is left to
    ``--full``, and a relative clause or a participle's phrase after a comma is cut.

    >>> _credit_names([{"source_type": "organisation", "source": {"text": "Roger Bate, an "
    ...     "economist at the American Enterprise Institute who studies drugs,"}},
    ...     {"source_type": "document", "source": {"text": "the report"}},
    ...     {"source_type": "document", "source": {"text": "The lawsuit, filed in the "
    ...      "federal court in Newark,"}},
    ...     {"source_type": "person", "source": {"text": "Mayor Bollwage"},
    ...      "recipient": {"text": "The New York Times"}},
    ...     {"source_type": "outlet", "source": {"text": "the US Herald"}},
    ...     {"source_type": "outlet", "source": {"text": "US Herald"}}])
    ['Roger Bate, an economist at the American Enterprise Institute', 'The New York Times', \
'the US Herald']
    """
    names: list[str] = []

    def add(text: object) -> None:
        name = _short_credit(str(text or ""))
        if name and _names_someone(name) and _credit_key(name) not in {
                _credit_key(m) for m in names}:
            names.append(name)

    for x in found if isinstance(found, list) else []:
        if isinstance(x, dict) and isinstance(x.get("source"), dict) \
                and x.get("source_type") in CREDIT_TYPES:
            add(_source_text(x))
        to = x.get("recipient") if isinstance(x, dict) else None
        if isinstance(to, dict) and to.get("text"):
            add(to["text"])
    return names


def _people_credited(found: object) -> int:
    """How many named people a version quotes or cites (the summary lists outlets,
    organisations and documents by name, people by count): each once, by surname, a
    pronoun or bare title by the name it stands for.

    >>> _people_credited([{"source_type": "person", "source": {"text": "Rep. Marsha "
    ...     "Blackburn, a Tennessee Republican"}}, {"source_type": "person",
    ...     "source": {"text": "Blackburn"}}, {"source_type": "person", "source":
    ...     {"text": "he"}, "refers_to": {"text": "Kathy Miller"}},
    ...     {"source_type": "person", "source": {"text": "a spokesman"}},
    ...     {"source_type": "outlet", "source": {"text": "Politico"}}])
    2
    """
    keys = set()
    for x in found if isinstance(found, list) else []:
        if not isinstance(x, dict) or not isinstance(x.get("source"), dict) \
                or x.get("source_type") != "person":
            continue
        name = _short_credit(_source_text(x)).split(",")[0]
        capitals = [w for w in name.split() if w[:1].isupper()]
        if capitals and _names_someone(name):
            keys.add(capitals[-1].lower().strip(".'’s"))
    return len(keys)


def _source_text(credit: dict) -> str:
    """A credit's source (a dict with ``text``) as the text names it: the name a pronoun
    or bare title stands for (``refers_to``), else the source's own words."""
    means = credit.get("refers_to")
    if isinstance(means, dict) and means.get("text"):
        return str(means["text"])
    return str(credit["source"].get("text") or "")


def _short_credit(text: str) -> str:
    """A credit's text without trailing punctuation, or a relative clause or a participle's
    phrase after a comma ("The lawsuit, filed in the federal court in Newark"); an outlet's
    staff member by the outlet.

    >>> _short_credit("CNN's Alisyn Camerota"), _short_credit("The lawsuit, filed in court")
    ('CNN', 'The lawsuit')
    """
    text = re.sub(r"\s+", " ", text).strip(" ,;:.–—-")
    cut = re.search(r",[^,]*?\s(?:who|which|that)\s", text)
    if cut:
        text = text[:cut.start() + cut.group().rfind(" ", 0, -1)].strip(" ,")
    after = re.search(r",\s+(?:[a-z]+ed|seen|written|made|given|brought|shown|known|sent|"
                      r"held|taken|set)\s", text)
    text = text[:after.start()].strip(" ,") if after else text
    # "CNN's Alisyn Camerota": the outlet, not its anchor (the person spoken to)
    staff = re.fullmatch(r"(.+?)[’']s (?:[A-Z][\w.-]+ ){1,2}[A-Z][\w-]+", text)
    return staff.group(1) if staff else text


def _names_someone(text: str) -> bool:
    """Whether a credit names someone: a capitalised word past the first, or a first word
    that is not a determiner; a denial ("Neither ... nor", "No ...") names no source."""
    words = text.split()
    if not words or words[0].lower() in ("neither", "no", "none", "nobody"):
        return False
    first = words[0][0].isupper() and words[0].lower() not in _DETERMINERS
    return first or any(w[0].isupper() for w in words[1:])


_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his",
                "her", "our", "one", "some", "many", "several", "other", "another"}


def _credit_key(name: str) -> str:
    return name.lower().removeprefix("the ")


def credit_line(credits: dict) -> str:
    """The summary's credits in words: what both versions credit, then what only one does.

    >>> credit_line({"a": ["Reuters", "the White House"], "b": ["reuters", "CNN"]})
    'both credit Reuters · only A: the White House · only B: CNN'
    >>> credit_line({"a": [], "b": []})
    'neither names an outlet, organisation or document'
    """
    names = {s: list(credits.get(s) or []) for s in ("a", "b")}
    keys = {s: {_credit_key(n) for n in names[s]} for s in ("a", "b")}
    both = [n for n in names["a"] if _credit_key(n) in keys["b"]]
    only = {s: [n for n in names[s] if _credit_key(n) not in keys["b" if s == "a" else "a"]]
            for s in ("a", "b")}

    def listed(names: list[str]) -> str:
        more = f" and {len(names) - 4} more (--full)" if len(names) > 4 else ""
        return "; ".join(names[:4]) + more

    parts = ([f"both credit {listed(both)}"] if both else []) + [
        f"only {s.upper()}: {listed(only[s])}" for s in ("a", "b") if only[s]]
    return " · ".join(parts) or "neither names an outlet, organisation or document"


def attributions_of(article: Article, *, semantic: bool | str = False) -> list[dict]:
    """Credited sources and quotes of one article, with offsets and the quoted characters:
    sources of information only, a pronoun or a title with the name it stands for
    (``refers_to``; see :func:`~storytrace.provenance.credits.credits`).

    ``semantic`` as in :func:`~storytrace.provenance.extract_attributions`.
    """
    from storytrace.model import Span
    from storytrace.provenance.attribution import Attribution
    from storytrace.provenance.credits import extract_credits
    from storytrace.provenance.direction import credit_lines

    found = extract_credits(article.text, semantic=semantic)
    taken = [(x.source.start, x.source.end) for x in found if x.source is not None]
    for cue, src, kind, stype in credit_lines(article.text):
        if not any(s < src[1] and src[0] < e for s, e in taken):
            found.append(Attribution(Span(*src), Span(*cue), None, stype, kind, 1.0))
    return [x.to_dict(article.text) for x in sorted(found, key=lambda x: x.start)]


def compare(a: Article, b: Article, aligner: Aligner | None = None, *,
            details: tuple[str, ...] = (), boilerplate: Boilerplate | None = None
            ) -> Comparison:
    """Align two articles, and add the named ``details`` (see :data:`DETAILS`).

    Site boilerplate is set aside first: the blocks ``boilerplate`` (a corpus's model, as
    ``trace`` learns it) says are boilerplate, else, without a corpus, blocks that read
    like promotion or legal small print; then a passage that two articles of one site
    both print at their start or at their end.

    >>> x = Article(text="The city will not cooperate with federal immigration agents "
    ...                  "who ask for help locating people facing deportation orders.")
    >>> y = Article(text="He said the city will not cooperate with federal immigration agents "
    ...                  "who ask for help locating people facing deportation orders.")
    >>> compare(x, y).alignment.passages[0].kind
    'verbatim'
    >>> sorted(compare(x, y, details=("attributions",)).details["attributions"])
    ['a', 'b']
    """
    unknown = set(details) - set(DETAILS)
    if unknown:
        raise ValueError(f"unknown details {sorted(unknown)}; choose from {DETAILS}")
    aligner = aligner or Aligner()
    originals = (a, b)
    (a, b), set_aside = _set_aside(a, b, boilerplate)
    result = Comparison(a, b, aligner.align(a, b))
    _same_place(result, set_aside)
    if "attributions" in details:
        # An aligner that reads embeddings has the extra: the contextual tagger is there too.
        semantic = aligner.uses_embeddings
        result.details["attributions"] = {"a": attributions_of(a, semantic=semantic),
                                          "b": attributions_of(b, semantic=semantic)}
    if "direction" in details:
        from storytrace.provenance import infer_direction

        result.details["direction"] = infer_direction(a, b, result).to_dict()
    if "diff" in details:
        from storytrace.diff import diff_versions

        result.details["diff"] = diff_versions(a, b, result, aligner=aligner).to_dict()
    if "framing" in details:  # the only step that must know the languages
        languages = {"a": a.language or detect_language(originals[0].text),
                     "b": b.language or detect_language(originals[1].text)}
        result.details["framing"] = _framing(a, b, languages)
        result.details["language"] = languages
    result.a, result.b = originals
    result.boilerplate = set_aside
    return result


def _framing(a: Article, b: Article, languages: dict[str, str]) -> dict:
    """Each side's framing signals and what B adds over A; the models are learnt from
    English news, so a side in another language gets a note instead of a guess."""
    from storytrace.framing import analyze_article, framing_delta

    out: dict[str, Any] = {}
    found = {}
    for side, article in (("a", a), ("b", b)):
        if is_english(languages[side]):
            found[side] = analyze_article(article)
            out[side] = found[side].to_dict()
    if len(found) == 2:
        out["delta"] = framing_delta(found["a"], found["b"])
    else:
        others = ", ".join(f"{k.upper()} is in {languages[k]}" for k in ("a", "b")
                           if k not in found)
        out["note"] = f"framing signals are learnt from English news: not computed ({others})"
    return out


def _set_aside(a: Article, b: Article, model: Boilerplate | None
               ) -> tuple[tuple[Article, Article], dict[str, list[dict]]]:
    """Both articles with their boilerplate blanked (offsets kept), and what was."""
    out, aside = [], {}
    for side, x in (("a", a), ("b", b)):
        site = site_of(x.outlet, x.url)
        learnt = model.spans(x.text, site) if model is not None else []
        furniture = [(s, e) for s, e in page_furniture(x.text)
                     if not any(ls <= s and e <= le for ls, le in learnt)]
        spans = sorted([*learnt, *furniture])
        aside[side] = sorted(
            [{"start": s, "end": e, "reason": "site boilerplate"} for s, e in learnt]
            + [{"start": s, "end": e, "reason": "promotion or small print"}
               for s, e in furniture], key=lambda x: x["start"])
        out.append(replace(x, text=mask(x.text, spans)) if spans else x)
    return (out[0], out[1]), aside


def _same_place(result: Comparison, aside: dict[str, list[dict]]) -> None:
    """Move to ``aside`` the passages two articles of one site print at the same place:
    both within their first or both within their last fifth (a header, a footer)."""
    a, b = result.a, result.b
    site = site_of(a.outlet, a.url)
    if not site or site != site_of(b.outlet, b.url) or a.id == b.id:
        return
    la, lb = max(1, len(a.text)), max(1, len(b.text))
    kept = []
    for p in result.alignment.passages:
        head = p.a_end <= 0.2 * la and p.b_end <= 0.2 * lb
        foot = p.a_start >= 0.8 * la and p.b_start >= 0.8 * lb
        if head or foot:
            reason = "printed by both at the " + ("start" if head else "end") + " (same site)"
            aside["a"].append({"start": p.a_start, "end": p.a_end, "reason": reason})
            aside["b"].append({"start": p.b_start, "end": p.b_end, "reason": reason})
        else:
            kept.append(p)
    if len(kept) < len(result.alignment.passages):
        result.alignment = _without(result.alignment, kept, la, lb)


def _without(alignment: Alignment, kept: list, len_a: int, len_b: int) -> Alignment:
    """``alignment`` keeping only the passages ``kept``, its coverage recounted."""
    from storytrace.align.aligner import coverage

    return replace(alignment, passages=kept,
                   coverage_a=coverage(len_a, [(p.a_start, p.a_end) for p in kept]),
                   coverage_b=coverage(len_b, [(p.b_start, p.b_end) for p in kept]))


def tree_changes(tree: Any, articles: dict[str, Article], aligner: Aligner | None = None
                 ) -> dict[tuple[str, str], dict]:
    """What each copy changed along the family tree: ``{(parent id, child id): changes}``.

    For every ``derived`` edge of ``tree`` (a :class:`~storytrace.provenance.tree.FamilyTree`)
    whose two ends are in ``articles`` (by id), ``changes`` holds the facts ``diff`` of
    parent → child (with offsets and a summary), the child's ``framing``: ``delta``,
    what it adds to its parent's, and ``child``, its signals with offsets; both as
    :func:`compare` gives them; and ``claims``, the statements parent and child share
    as :func:`edge_claims` keeps them for the story's claim ledger
    (:mod:`storytrace.diff.ledger`). Edges from external sources are skipped (there is
    no text to compare). A root that shares text with an earlier version it was not
    copied from (:func:`storytrace.diff.ledger.root_links`: say both quote one outside
    source) gets, on the ``related`` edge between them, only ``claims`` (the earlier
    version being side A) and ``earlier`` (its id), so the ledger knows which
    statements appeared before that root.

    >>> from storytrace.provenance import family_tree
    >>> body = " ".join(f"Council member {i} voted against the bridge plan on Monday after "
    ...                 f"a long debate about road repairs in district {i}." for i in range(8))
    >>> cpy = Article(id="cpy", text=body + " Officials said 4,000 people protested.\\n\\n"
    ...                                     "Source: Daily Eagle", outlet="Daily Post")
    >>> src = Article(id="src", text=body, outlet="Daily Eagle")
    >>> changes = tree_changes(family_tree([src, cpy]), {"src": src, "cpy": cpy})
    >>> list(changes), changes[("src", "cpy")]["diff"]["summary"]["counts"]["b_new_sentences"]
    ([('src', 'cpy')], 1)
    >>> claims = changes[("src", "cpy")]["claims"]
    >>> len(claims["pairs"]), [cpy.text[x["start"]:x["end"]] for x in claims["b_only"]]
    (8, ['Officials said 4,000 people protested.'])
    """
    from storytrace.diff.ledger import root_links
    from storytrace.framing import analyze_article, framing_delta

    aligner = aligner or Aligner()
    edges = [e for e in tree.edges
             if e.kind == "derived" and e.source in articles and e.target in articles]
    # A version may be the parent of several copies and the copy of another: its framing
    # is analysed once.
    framing = {k: analyze_article(articles[k])
               for k in dict.fromkeys(x for e in edges for x in (e.source, e.target))}
    out = {}
    for e in edges:
        parent, child = articles[e.source], articles[e.target]
        diff = compare(parent, child, aligner, details=("diff",)).details["diff"]
        out[(e.source, e.target)] = {
            "diff": diff,
            "framing": {"delta": framing_delta(framing[e.source], framing[e.target]),
                        "child": framing[e.target].to_dict()},
            "claims": edge_claims(diff.get("claims"), parent.text, child.text)}
    for earlier, root, ends in root_links(tree.to_dict()):
        a, b = articles.get(earlier), articles.get(root)
        if a is not None and b is not None:
            diff = compare(a, b, aligner, details=("diff",)).details["diff"]
            out[ends] = {"claims": edge_claims(diff.get("claims"), a.text, b.text),
                         "earlier": earlier}
    return out


#: Claims whose two sides keep at least this share of their words get word edits.
EDITS_FROM = 0.6
MAX_EDITS = 8  # word edits kept per claim; more is a rewrite, not an edit


def edge_claims(claims: dict | None, text_a: str, text_b: str) -> dict | None:
    """The claims of one tree edge (``diff.claims`` of parent A → child B), compactly:
    spans without their text, each pair's ``kind``, ``score``, ``details`` and ``edits``,
    the words the copy reworded inside the statement (a run of A's words replaced,
    dropped or added in B, as a ``wording`` detail with offsets: "a 51-year-old man" →
    "51"), for statements that keep most of their words (:data:`EDITS_FROM`) and
    outside the details already reported.

    >>> a = "Police held David Gonzalez, a 51-year-old man, on Monday."
    >>> b = "Police held David Gonzalez, 51, on Monday."
    >>> pair = {"a_start": 0, "a_end": len(a), "b_start": 0, "b_end": len(b),
    ...         "kind": "edited", "score": 0.9, "details": []}
    >>> found = edge_claims({"pairs": [pair], "a_only": [], "b_only": []}, a, b)
    >>> [(a[d["a"]["start"]:d["a"]["end"]], b[d["b"]["start"]:d["b"]["end"]])
    ...  for d in found["pairs"][0]["edits"]]
    [('a 51-year-old man', '51')]
    """
    if not isinstance(claims, dict):
        return None

    def span(x: object) -> dict | None:
        return {"start": x["start"], "end": x["end"]} if isinstance(x, dict) else None

    pairs = []
    for p in claims.get("pairs") or []:
        details = [{"kind": d["kind"], "change": d["change"], "a": span(d.get("a")),
                    "b": span(d.get("b"))} for d in p.get("details") or []]
        pairs.append({k: p.get(k) for k in ("a_start", "a_end", "b_start", "b_end", "kind",
                                        "score", "how")}
                     | {"details": details,
                        "edits": _word_edits(text_a, text_b, p, details)})
    return {"pairs": pairs, "a_only": [span(x) for x in claims.get("a_only") or []],
            "b_only": [span(x) for x in claims.get("b_only") or []],
            "method": claims.get("method") or {}}


def _word_edits(text_a: str, text_b: str, pair: dict, details: list[dict]) -> list[dict]:
    """The runs of words that differ between a claim's two sides (adjacent differences
    joined), each ``{kind: "wording", change, a, b}``, none overlapping a detail."""
    from rapidfuzz.distance import Indel, Levenshtein

    from storytrace.text.doc import Doc

    da, db = Doc.of(text_a), Doc.of(text_b)
    wa = _words_in(da, pair["a_start"], pair["a_end"])
    wb = _words_in(db, pair["b_start"], pair["b_end"])
    xa, xb = [da.words[i] for i in wa], [db.words[i] for i in wb]
    if not xa or not xb or Indel.normalized_similarity(xa, xb) < EDITS_FROM:
        return []
    runs: list[list[int]] = []  # [a first, a end, b first, b end] in word ranges
    for op in Levenshtein.opcodes(xa, xb):
        if op.tag == "equal":
            continue
        if runs and runs[-1][1] == op.src_start and runs[-1][3] == op.dest_start:
            runs[-1][1], runs[-1][3] = op.src_end, op.dest_end
        else:
            runs.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    taken = [(d[s]["start"], d[s]["end"], s) for d in details for s in ("a", "b") if d[s]]
    out = []
    for a0, a1, b0, b1 in runs:
        sa = (da.starts[wa[a0]], da.ends[wa[a1 - 1]]) if a1 > a0 else None
        sb = (db.starts[wb[b0]], db.ends[wb[b1 - 1]]) if b1 > b0 else None
        if any(x is not None and s < x[1] and x[0] < e and side == name
               for s, e, side in taken for name, x in (("a", sa), ("b", sb))):
            continue
        out.append({"kind": "wording",
                    "change": "changed" if sa and sb else "only_a" if sa else "only_b",
                    "a": None if sa is None else {"start": sa[0], "end": sa[1]},
                    "b": None if sb is None else {"start": sb[0], "end": sb[1]}})
    return out if len(out) <= MAX_EDITS else []


def _words_in(doc: Any, start: int, end: int) -> list[int]:
    """Indices of the ``Doc``'s words inside ``[start, end)``."""
    from bisect import bisect_left

    return list(range(bisect_left(doc.starts, start), bisect_left(doc.starts, end)))
