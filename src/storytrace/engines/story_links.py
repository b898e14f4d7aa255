"""Tier 2 of `trace`: which candidate pairs are two reports of one story.

:func:`same_story_links` is the decision both engines call on their candidates (the
local engine in one process, Spark inside its map steps). A pair that turns out to
share copied text becomes a reuse link instead (:func:`~storytrace.engines.core.verify_link`).

Two tiers (:func:`story_tier`): a ``same_story`` link joins stories; a ``same_event`` link
(the lexical model links the pair, the sentence check does not confirm it: the same
broad event, not shown to be the same story) is reported with its evidence and reason
but joins nothing, and is not counted as a same-story link. A pair whose only shared
text is a third party's quotation is a ``shared_quote`` link unless the check confirms
it is the same story with the quotation blanked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from storytrace.align import Aligner
from storytrace.engines.core import same_site, verify_link
from storytrace.model import Article, Link
from storytrace.text.boilerplate import block_keys, furniture_blocks, mask, site_of
from storytrace.text.language import is_english
from storytrace.text.words import WORD

#: An article with fewer words than this left once its boilerplate and small print are
#: set aside is hollow.
HOLLOW_WORDS = 25


def own_words(text: str) -> int:
    """How many words of ``text`` (its site's boilerplate already blanked) are neither
    small print nor promotion (:func:`~storytrace.text.boilerplate.furniture_blocks`: a
    paywall sign-up form, a newsletter pitch, credit lines): what the article itself says.
    A text written without capitals (lower-cased snippets) has no sentences to tell its
    small print by (one "subscribe" would take all of it): all its words count.

    >>> own_words("Register to read. Sign up for our newsletter today. The bridge closes.")
    6
    >>> own_words("bridge closes for repairs sign up for our newsletter today")
    10
    """
    if not any(c.isupper() for c in text):
        return len(WORD.findall(text))
    return len(WORD.findall(mask(text, furniture_blocks(text))))


def same_story_links(pairs: list[tuple[int, int]], articles: dict, cosine: dict,
                     similarity: Any, aligner: Aligner, options: Any,
                     set_aside: dict[int, int] | None = None,
                     facts: dict[int, GateFacts] | None = None) -> list:
    """Tier 2's decision on candidate pairs: the same-story (or reuse) links among them.

    ``pairs``: ``(a_seq, b_seq)`` candidates; ``articles``: seq -> Article (title and
    text are read); ``cosine``: each pair's sketch cosine; ``similarity``: a
    :class:`~storytrace.stories.StorySimilarity`; ``options``: the
    :class:`TraceOptions`. A pair's link depends on that
    pair alone, however the pairs are batched (each engine batches its own way).
    """
    named = [pair for pair, why in story_gates(pairs, articles, options, facts).items()
             if why is None]
    texts = [(story_text(articles[a]), story_text(articles[b])) for a, b in named]
    sketch = [cosine[p] for p in named]
    chances = similarity.probabilities(texts, sketch) if texts else np.zeros(0)
    kept = [k for k, chance in enumerate(chances.tolist()) if chance >= options.story_min_score]
    check = sentence_check(options.story_check) if kept else None
    second = _checked(check, kept, texts) if check is not None else {}
    found = dict(zip(kept, similarity.feature_values([texts[k] for k in kept],
                                                    [sketch[k] for k in kept]), strict=True))
    links = []
    for k in kept:
        (a, b), chance, near = named[k], float(chances[k]), sketch[k]
        evidence = {"same_story_score": round(chance, 4), "model": similarity.model,
                    "sketch_cosine": near,
                    "shared_entities": evidence_names(articles[a], articles[b]),
                    "features": {f: round(v, 4) for f, v in found[k].items()}}
        days = _days_apart(articles[a], articles[b])
        if days is not None:
            evidence["days_apart"] = round(days, 2)
        if caseless(articles[a]) and caseless(articles[b]):
            evidence["caseless"] = True  # no capitals: gated by the sketch, not by names
        one_site = same_site(articles[a], articles[b])
        if one_site:
            evidence["same_site"] = True
        if k in second:
            evidence["sentence_check"] = second[k]
        # Two versions of one story may still share a passage that MinHash
        # missed (too small a part of either): align them before settling.
        reuse = verify_link(a, b, articles[a], articles[b], aligner, options.verify, set_aside)
        if reuse is not None and reuse.kind == "reuse":
            reuse.evidence["same_story"] = evidence
            links.append(reuse)
            continue
        verdict = (chance, second.get(k))
        if reuse is not None:  # they share a third party's quotation, and nothing else
            evidence["quotes"] = reuse.evidence["quotes"]
            verdict = _without_quotes(articles[a], articles[b], reuse.evidence["quotes"],
                                      similarity, check, near, evidence)
        tier = story_tier(verdict[0], verdict[1], options.story_min_score,
                          quoted=reuse is not None, one_site=one_site)
        link = _tier_link(a, b, chance, tier, evidence, reuse)
        if link is not None:
            links.append(link)
    return links


def evidence_names(a: Article, b: Article, limit: int = 20) -> list[str]:
    r"""The names two reports share, as a link's evidence lists them (whole names first,
    at most ``limit``): read from each text (its site's boilerplate already blanked) with
    what is no article content set aside too, so that a reader sees the people, places
    and organisations both name, not furniture the boilerplate model did not learn:
    small print, promotion and credit lines (:func:`~storytrace.text.boilerplate.
    furniture_blocks`: "Story Continued Below", "SHARE THIS STORY", "Featured image via
    Getty Images"), for two pages of one site the lines both print word for word (a menu
    such as "Under the Radar Blog Archives Select Date... July, 2017 ...", a recycled
    paragraph), the name of either article's outlet ("Eagle Rising" in a title line), and
    a headline in title case (:func:`_names_text`).

    >>> a = Article(id="a", outlet="The Post", text="Maria Catala met Pedro Ruiz in "
    ...             "Valencia.\n\nStory Continued Below\n\nThe Post reports.")
    >>> b = Article(id="b", outlet="Herald", text="Maria Catala spoke in Valencia."
    ...             "\n\nStory Continued Below\n\nThe Post said so.")
    >>> evidence_names(a, b)
    ['Maria Catala', 'Valencia']
    """
    from storytrace.stories.similarity import shared_entities

    texts = [_names_text(x) for x in (a, b)]
    texts = [mask(t, furniture_blocks(t)) for t in texts]
    if same_site(a, b):
        texts = _without_common_lines(texts[0], texts[1])
    outlets = {site_of(x.outlet, x.url) for x in (a, b)} - {""}
    if outlets:
        # the site's own name, wherever either text prints it (a title line's "- Eagle
        # Rising", a byline's "(CNN)"), and that name without a leading "the"
        names = "|".join(re.escape(o.removeprefix("the "))
                         for o in sorted(outlets, key=len, reverse=True))
        said = re.compile(rf"\b(?:{names})\b", re.IGNORECASE)
        texts = [mask(t, [m.span() for m in said.finditer(t)]) for t in texts]
    return shared_entities(*texts)[:limit]


def _names_text(article: Article) -> str:
    """:func:`story_text`, with a headline written in title case ("Trump Calls For This
    Racist Policy") left out: each of its words is capitalised, so two such headlines would
    share "Calls" and "Policy" as names; the names it does hold are the body's too."""
    text = story_text(article)
    title = article.title.strip()
    words = [w for w in WORD.findall(title) if len(w) >= 4 and w[0].isalpha()]
    if words and sum(w[0].isupper() for w in words) >= 0.8 * len(words):
        start = text.find(title)
        if 0 <= start and not text[:start].strip():
            text = mask(text, [(start, start + len(title))])
    return text


def _without_common_lines(a: str, b: str) -> list[str]:
    """Both texts with the blocks (sentences or lines of two or more words) that both print
    word for word blanked: for two pages of one site, its furniture or a paragraph it
    prints again, not evidence that the two tell one story."""
    keys = [block_keys(t, min_words=2) for t in (a, b)]
    common = {k for _, _, k in keys[0]} & {k for _, _, k in keys[1]}
    return [mask(t, [(s, e) for s, e, k in found if k in common])
            for t, found in zip((a, b), keys, strict=True)]


@dataclass(frozen=True)
class GateFacts:
    """What :func:`story_gates` reads of one article (boilerplate blanked): found once
    per article, however many candidate pairs it is in."""

    english: bool
    hollow: bool
    names: frozenset[str]
    lower: bool
    published: Any


def gate_facts(articles: dict) -> dict[int, GateFacts]:
    """:class:`GateFacts` of each article of ``articles`` (seq -> Article, boilerplate
    blanked). An article in another language is stopped by the language gate before any
    other is read, so its other facts are not computed."""
    from storytrace.stories.similarity import entity_words

    out = {}
    for seq, a in articles.items():
        if not is_english(a.language):
            out[seq] = GateFacts(False, False, frozenset(), False, a.published)
            continue
        out[seq] = GateFacts(True, own_words(a.text) < HOLLOW_WORDS,
                             frozenset(entity_words(story_text(a))), caseless(a), a.published)
    return out


def story_gates(pairs: list[tuple[int, int]], articles: dict | None, options: Any,
                facts: dict[int, GateFacts] | None = None
                ) -> dict[tuple[int, int], str | None]:
    """Which candidate pairs the same-story model scores: each pair (in order) with
    ``None`` when it passes, else the gate that stops it (``"language"``, ``"hollow"``,
    ``"names"``, ``"days"``). ``articles``: seq -> Article, boilerplate blanked;
    ``options``: the :class:`TraceOptions`; ``facts``: :func:`gate_facts` already found
    (read, and added to: a caller that keeps it reads each article once, whatever the
    number of its pairs; ``articles`` may then be ``None`` when it holds them all)."""
    facts = {} if facts is None else facts
    missing = {s for pair in pairs for s in pair if s not in facts}
    if missing:
        facts.update(gate_facts({s: articles[s] for s in missing}))
    out: dict[tuple[int, int], str | None] = {}
    for a, b in pairs:
        fa, fb = facts[a], facts[b]
        # The same-story model is learnt from English news: other languages are not
        # guessed.
        if not (fa.english and fb.english):
            out[a, b] = "language"
        # A page that is all boilerplate (a sidebar scraped as an article), or a body of
        # a line or two ("Your ads will be inserted here"), or a headline over a
        # paywall's sign-up form, has nothing left to tell a story with: its title
        # alone, or the form its publisher prints on every stub, would link it to others.
        elif fa.hollow or fb.hollow:
            out[a, b] = "hollow"
        # Reports of one story name the same people and places: 95% of SemEval's
        # "very similar" English pairs share two or more names, 42% of unrelated
        # ones do. Pairs that don't are not scored at all, which also keeps the
        # model's cost off the many weak candidates of a large corpus.
        # Text written without capitals (lower-cased snippets, keyword lists) has no
        # names to compare: between two such texts the sketch candidate itself (rare
        # words shared in the corpus) stands in for the gate.
        elif (len(fa.names & fb.names) < options.story_min_names
              and not (fa.lower and fb.lower)):
            out[a, b] = "names"
        elif _far_apart(fa, fb, options.story_max_days):
            out[a, b] = "days"
        else:
            out[a, b] = None
    return out


def _tier_link(a: int, b: int, chance: float, tier: str | None, evidence: dict,
               quoted: Link | None) -> Link | None:
    """The link of a scored pair in ``tier`` (:func:`story_tier`); ``quoted`` is the
    ``shared_quote`` link of a pair whose only shared text is a quotation."""
    if tier == "same_story":
        return Link(a, b, "same_story", round(chance, 4), 0.0, 0.0, evidence)
    if quoted is not None:
        # not shown to be the same story once the quotation is set aside: what they share
        # is it (the same-story scores stay in its evidence)
        evidence["tier"] = tier
        quoted.evidence["same_story"] = evidence
        return quoted
    if tier == "same_event":
        why = SAME_SITE_WHY if evidence.get("same_site") else SAME_EVENT_WHY
        return Link(a, b, "same_event", round(chance, 4), 0.0, 0.0,
                    {**evidence, "tier": tier, "why": why})
    return None


#: What a ``same_event`` link says to its reader.
SAME_EVENT_WHY = ("about the same event, but not shown to be the same story: the two share "
                  "names and topic, too few of the same statements; not joined into a story")
#: ... and what it says when both articles come from one site (:func:`story_tier`).
SAME_SITE_WHY = ("two reports of one site about the same event: a site that writes about an "
                 "event again writes another story of it (a follow-up, an explainer, another "
                 "poll), not the same story twice; not joined into a story")


def story_tier(chance: float, check: dict | None, min_score: float, quoted: bool = False,
               one_site: bool = False) -> str | None:
    """Which tier a scored pair is in: ``"same_story"`` (a link that joins stories),
    ``"same_event"`` (reported with its evidence, joins nothing) or ``None``.

    ``chance`` is the lexical model's probability, ``check`` the sentence check's verdict
    (``None`` when the check is off). With the check, a same-story link needs its
    probability at least :data:`STORY_CHECK_MIN`; a pair the lexical model links and the
    check does not is the same event. Without it the lexical model decides alone, except
    for a pair that shares a third party's quotation (``quoted``; both scored with it
    blanked): on long news the lexical model barely moves when a quotation is blanked
    (docs/results.md), so it cannot say that anything but the quotation makes them one
    story, and such a pair is a shared quote (the caller's ``shared_quote`` link).

    Two articles of one site (``one_site``) that share no copied text are at most the
    same event: a site that writes about an event again writes a follow-up, an
    explainer or another poll, not its story twice (a site's own second version of a
    text is a reuse link, decided before this). On FakeNewsNet's hand labels 1 of 19
    same-story pairs comes from one site, against 28 of 82 pairs of one event that are
    another story (docs/results.md).

    >>> story_tier(0.9, {"probability": 0.95}, 0.5), story_tier(0.9, {"probability": 0.3}, 0.5)
    ('same_story', 'same_event')
    >>> story_tier(0.9, None, 0.5), story_tier(0.9, None, 0.5, quoted=True)
    ('same_story', 'same_event')
    >>> story_tier(0.9, {"probability": 0.95}, 0.5, one_site=True)
    'same_event'
    >>> story_tier(0.3, {"probability": 0.99}, 0.5) is None
    True
    """
    if chance < min_score:
        return None
    if check is None:
        confirmed = not quoted
    else:
        confirmed = check["probability"] >= STORY_CHECK_MIN
    return "same_story" if confirmed and not one_site else "same_event"


def _without_quotes(a: Article, b: Article, quotes: list[dict], similarity: Any, check: Any,
                    sketch_cosine: float, evidence: dict) -> tuple[float, dict | None]:
    """The same-story probability (and the sentence check's verdict, when it is on) of two
    articles that share a third party's quotation, scored with the quotation blanked in
    both: the same words of a speaker, quoted by each, say that both cover what was said,
    not that they report one story (a tweet of Trump's is quoted in many stories). The
    check reads the pair twice, with the shared quotation blanked and with all quoted
    speech of both blanked, and its lower verdict counts: two accounts of a quotation
    often quote its replies too, each in its own punctuation ("Skittles are candy.
    Refugees are people." against "...; refugees are people"), which the aligner does
    not pair, so blanking the shared quotation alone leaves them. (All quoted speech
    blanked alone can read higher: it also blanks statements that told the two apart.)
    The scores go into ``evidence["without_quotes"]``."""
    from dataclasses import replace

    from storytrace.provenance.content import quoted_speech

    shared = {"a": [(q["a_start"], q["a_end"]) for q in quotes],
              "b": [(q["b_start"], q["b_end"]) for q in quotes]}
    pair = (story_text(replace(a, text=mask(a.text, shared["a"]))),
            story_text(replace(b, text=mask(b.text, shared["b"]))))
    chance = float(similarity.probabilities([pair], [sketch_cosine])[0])
    evidence["without_quotes"] = {"same_story_score": round(chance, 4)}
    if check is None:
        return chance, None
    speech = [story_text(replace(x, text=mask(x.text, [*spans, *(
        (s, e) for s, e, _ in quoted_speech(x.text))]))) for x, spans in
        ((a, shared["a"]), (b, shared["b"]))]
    verdicts = _checked(check, [0, 1], [pair, (speech[0], speech[1])])
    evidence["without_quotes"]["sentence_check"] = verdicts[0]
    evidence["without_quotes"]["without_speech"] = {"sentence_check": verdicts[1]}
    return chance, min(verdicts.values(), key=lambda v: v["probability"])


#: The sentence check's probability a same-story link needs (see :func:`sentence_check`);
#: below it a pair the lexical model links is a ``same_event`` link. On FakeNewsNet's hand
#: labels 0.65 keeps 13 same-story links, 8 right (0.5: 29, 11 right), and the seeds
#: (0.67) stay one story; it costs the boilerplate corpus 6 of its 26 checked same-story
#: links (docs/results.md). Chosen by reading those labels, so that figure is optimistic.
STORY_CHECK_MIN = 0.65


def _checked(check: Any, kept: list[int], texts: list[tuple[str, str]]) -> dict[int, dict]:
    """The sentence check's verdict on each kept pair (by its index in ``texts``): its
    probability and the feature values it read, as the link's evidence shows them."""
    x = check.features([texts[k] for k in kept])
    chances = check.probability_features(x)
    return {k: {"probability": round(float(chance), 4),
                "features": {name: round(float(v), 4)
                             for name, v in zip(check.feature_names, row, strict=True)}}
            for k, chance, row in zip(kept, chances, x, strict=True)}


@lru_cache(maxsize=2)
def sentence_check(mode: bool | str) -> Any:
    """The sentence model's check of the pairs the lexical model links as the same story
    (:class:`~storytrace.stories.similarity.SentenceCheck`), loaded once per process and
    only when a pair needs it; ``None`` when ``mode`` is off, or ``"auto"`` and the
    semantic extra is not installed. On long news about one broad event the lexical
    model cannot tell two stories of it apart and the sentence model can (see
    docs/results.md), at about a second per pair on 2 CPU cores, so it is asked only
    about the few pairs already linked."""
    if not mode:
        return None
    from storytrace.align.semantic import SemanticUnavailable
    from storytrace.stories.similarity import SentenceCheck

    try:
        return SentenceCheck()
    except SemanticUnavailable:
        if mode is True:
            raise
        return None


def caseless(article: Article) -> bool:
    """Whether an article is written without capitals (lower-cased snippets, keyword
    lists): it has no names to compare."""
    return not any(c.isupper() for c in story_text(article))


def _days_apart(a: Article, b: Article) -> float | None:
    """Days between two articles' publication, or ``None`` when either date is unknown."""
    if a.published is None or b.published is None:
        return None
    return abs((a.published - b.published).total_seconds()) / 86400


def _far_apart(a: Article, b: Article, max_days: float | None) -> bool:
    """Whether both dates are known and more than ``max_days`` apart: reports of one event
    come out within days of each other; a story months later is another story, however
    alike the two read."""
    days = _days_apart(a, b)
    return max_days is not None and days is not None and days > max_days


def story_text(article: Article) -> str:
    """The text StorySimilarity reads: title on the first line, then the body."""
    if article.title and not article.text.lstrip().startswith(article.title.strip()):
        return f"{article.title}\n{article.text}"
    return article.text
