"""Opinion or commentary sentences, as opposed to reported facts: a documented heuristic.

No sentence-level opinion labels exist in ../shared, so this is not trained. Each
sentence gets a sum of cue weights, outside quotations (a quoted opinion is
reported speech, not the writer's commentary):

* should, must, ought, need to, have to, supposed to (obligation): +1.6
* stance adverb (actually, clearly, frankly, ...): +0.8 each, at most 2
* evaluative word (nice, ridiculous, acceptable, ...): +0.8 each, at most 2
* "you" addressed to the reader: +1.0
* first person of the writer (I, we, our): +1.0
* discourse marker ("Yeah,", "So,", "the reality is", "of course"): +1.0
* rhetorical question (ends in "?"): +1.0
* exclamation: +0.7
* loaded-language span inside it: +0.6 each, at most 2
* propaganda sentence score p (the trained sentence model): +2 (p − 0.5)
* reporting verb (said, told, according to, ...): −1.0
* number or date (a checkable fact): −0.5

The score is the logistic of ``sum − 1.5``, so a sentence needs about two cues to
count as opinion (score ≥ 0.5). The cues are listed as the signal's evidence.

>>> opinion_score("They must be stopped, and you know it.")[0] > 0.5
True
>>> opinion_score("After a judge released him, he was picked up by ICE on May 2.")[0] < 0.5
True
"""

from __future__ import annotations

import math
import re

from storytrace.framing.lexicon import (
    EVALUATIVE,
    FIRST_PERSON,
    HEDGE_OR_STANCE,
    MODAL_OBLIGATION,
    REPORTING_VERBS,
    SECOND_PERSON,
)
from storytrace.text.words import WORD

BIAS = -1.5
THRESHOLD = 0.5
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_MARKERS = re.compile(r"^\W*(?:yeah|yes|well|look|listen|sure|so)\b,|\b(?:of course|"
                      r"the (?:reality|truth|fact) is|let's|let’s|make no mistake|"
                      r"needless to say|mind you|in other words)\b", re.I)
_OBLIGATION = re.compile(r"\b(?:need|needs) to\b|\bsupposed to\b|\bhave to\b|\bhas to\b", re.I)
_NUMBER = re.compile(r"\d|\b(?:January|February|March|April|May|June|July|August|September|"
                     r"October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|"
                     r"Saturday|Sunday)\b")


def opinion_score(sentence: str, loaded: int = 0, propaganda: float | None = None
                  ) -> tuple[float, list[str]]:
    """Score in [0, 1] that ``sentence`` is commentary, and the cues that fired.

    ``loaded`` is the number of loaded-language spans inside it and ``propaganda``
    the propaganda sentence model's probability, when known.
    """
    own = _QUOTED.sub(" ", sentence)
    # "US" is a country, not "us": words in capitals are left out of the word cues.
    words = [w.lower().replace("’", "'") for w in WORD.findall(own)
             if not (len(w) > 1 and w.isupper())]
    cues: list[tuple[str, float]] = []
    if any(w in MODAL_OBLIGATION and w not in ("need", "needs") for w in words) or \
            _OBLIGATION.search(own):
        cues.append(("obligation", 1.6))
    stance = [w for w in words if w in HEDGE_OR_STANCE][:2]
    cues += [(f"stance:{w}", 0.8) for w in stance]
    evaluative = [w for w in words if w in EVALUATIVE][:2]
    cues += [(f"evaluative:{w}", 0.8) for w in evaluative]
    if any(w in SECOND_PERSON for w in words):
        cues.append(("addresses reader", 1.0))
    if any(w in FIRST_PERSON for w in words):
        cues.append(("first person", 1.0))
    if _MARKERS.search(own):
        cues.append(("discourse marker", 1.0))
    tail = own.rstrip(" \"”’')")
    if tail.endswith("?"):
        cues.append(("question", 1.0))
    if "!" in own:
        cues.append(("exclamation", 0.7))
    if loaded:
        cues.append((f"{min(loaded, 2)} loaded span{'s' * (loaded > 1)}", 0.6 * min(loaded, 2)))
    if propaganda is not None:
        cues.append((f"propaganda score {propaganda:.2f}", 2.0 * (propaganda - 0.5)))
    if any(w in REPORTING_VERBS for w in words):
        cues.append(("reporting verb", -1.0))
    if _NUMBER.search(own):
        cues.append(("number or date", -0.5))
    total = BIAS + sum(w for _, w in cues)
    return 1.0 / (1.0 + math.exp(-total)), [c for c, _ in cues]
