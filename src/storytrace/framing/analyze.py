"""``analyze_framing``: every framing signal of one article, with offsets into its fields.

The propaganda tagger reads the title and body together, as the corpus it was trained
on lays an article out (title, blank line, body), and its spans are mapped back to
offsets in ``title`` or ``text``. Emphasis and opinion run on each field's own text.

>>> f = analyze_framing("Leftists must be brought to heel!", title="BOOM! He’s FINISHED!")
>>> f.headline_clickbait.is_clickbait
True
>>> sorted({s.kind for s in f.signals}) # doctest: +NORMALIZE_WHITESPACE
['caps', 'exclamation', 'loaded_language', 'name_calling', 'opinion']
"""

from __future__ import annotations

from storytrace.framing.clickbait import THRESHOLD as CLICKBAIT_THRESHOLD
from storytrace.framing.clickbait import ClickbaitModel, typography
from storytrace.framing.emphasis import caps_spans, exclamation_spans
from storytrace.framing.hyperpartisan import HyperpartisanModel, article_text
from storytrace.framing.opinion import THRESHOLD as OPINION_THRESHOLD
from storytrace.framing.opinion import opinion_score
from storytrace.framing.propaganda import PropagandaSpan, PropagandaTagger
from storytrace.framing.signals import Framing, HeadlineScore, Signal
from storytrace.model import Article

_TECHNIQUE_KIND = {"Loaded_Language": "loaded_language",
                   "Name_Calling,Labeling": "name_calling"}
_SEPARATOR = "\n\n"


def _field_of(start: int, end: int, title: str, body_at: int) -> tuple[str, int, int] | None:
    """The field a combined-text range falls in, and its offsets there."""
    if title and start < len(title):
        return "title", start, min(end, len(title))
    if start >= body_at:
        return "text", start - body_at, end - body_at
    return None  # inside the separator


def _span_signal(span: PropagandaSpan, where: tuple[str, int, int], source: str) -> Signal:
    fld, start, end = where
    kind = _TECHNIQUE_KIND.get(span.technique, "propaganda")
    return Signal(kind, fld, start, end, span.score, span.technique,
                  f"{span.source} (technique: {span.technique})",
                  source[start:end])


def analyze_framing(text: str, title: str | None = None, *,
                    tagger: PropagandaTagger | None = None,
                    clickbait: ClickbaitModel | None = None,
                    hyperpartisan: HyperpartisanModel | None = None) -> Framing:
    """Framing signals of an article body ``text`` and its optional ``title``.

    Offsets of a signal are into the field it names (``"title"`` or ``"text"``).
    Without a title, ``headline_clickbait`` is None. The models default to the bundled
    ones.
    """
    if not isinstance(text, str) or (title is not None and not isinstance(title, str)):
        raise TypeError("analyze_framing: text and title must be strings")
    title = title or ""
    tagger = tagger or PropagandaTagger.default()
    body_at = len(title) + len(_SEPARATOR) if title else 0
    combined = f"{title}{_SEPARATOR}{text}" if title else text
    fields = {"title": title, "text": text}

    spans, sents, p_sent = tagger.tag(combined)
    signals: list[Signal] = []
    for span in spans:
        where = _field_of(span.start, span.end, title, body_at)
        if where and where[2] > where[1]:
            signals.append(_span_signal(span, where, fields[where[0]]))

    for (start, end), p in zip(sents, p_sent, strict=True):
        where = _field_of(start, end, title, body_at)
        if not where:
            continue
        fld, s, e = where
        loaded = sum(1 for x in spans if start <= x.start < end)
        score, cues = opinion_score(fields[fld][s:e], loaded=loaded, propaganda=float(p))
        if score >= OPINION_THRESHOLD:
            signals.append(Signal("opinion", fld, s, e, score, "opinion", "; ".join(cues),
                                  fields[fld][s:e]))

    for fld, value in fields.items():
        for s, e, score, why in caps_spans(value, body=fld == "text"):
            signals.append(Signal("caps", fld, s, e, score, "caps", why, value[s:e]))
        for s, e, score, why in exclamation_spans(value):
            signals.append(Signal("exclamation", fld, s, e, score, "exclamation", why,
                                  value[s:e]))

    headline = None
    if title:
        model = clickbait or ClickbaitModel.default()
        p_model = float(model.score([title])[0])
        rule, evidence = typography(title)
        p_head = max(p_model, rule)
        headline = HeadlineScore(p_head, p_head >= CLICKBAIT_THRESHOLD,
                                 float(model.strength([title])[0]), p_model,
                                 f"typography: {evidence}" if rule > p_model else "")
    partisan = hyperpartisan or HyperpartisanModel.default()
    h = float(partisan.score([article_text(title, text)])[0])

    signals.sort(key=lambda s: (s.field != "title", s.start, s.end, s.kind))
    return Framing(signals=signals, headline_clickbait=headline, hyperpartisan=h,
                   fields=fields)


def analyze_article(article: Article) -> Framing:
    """:func:`analyze_framing` of a stored or ingested :class:`~storytrace.model.Article`."""
    return analyze_framing(article.text, article.title or None)
