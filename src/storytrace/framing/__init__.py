"""Framing signals of an article, each with character offsets and a score.

* headline clickbait (:mod:`.clickbait`, trained on Chakraborty et al. 2016 and
  Webis-Clickbait-17),
* loaded language, name calling and other propaganda spans (:mod:`.propaganda`,
  trained on the SemEval-2020 Task 11 corpus, plus :mod:`.lexicon`),
* opinion or commentary sentences (:mod:`.opinion`, a documented heuristic),
* shouted capitals and exclamations (:mod:`.emphasis`),
* the article's hyperpartisan score (:mod:`.hyperpartisan`, SemEval-2019 Task 4).

The models are small linear ones shipped in ``storytrace/data/framing_*.npz`` and
retrained by ``bench/train_framing.py``.

>>> from storytrace.framing import analyze_framing, framing_delta
>>> a = analyze_framing("The mayor signed the law in 2014.", title="Mayor signs law")
>>> b = analyze_framing("The mayor signed the law. Leftists are furious!",
...                     title="BOOM! Mayor DESTROYS Leftists!")
>>> framing_delta(a, b)["headline"]["became_clickbait"]
True
"""

from storytrace.framing.analyze import analyze_article, analyze_framing
from storytrace.framing.signals import KINDS, Framing, HeadlineScore, Signal, framing_delta

__all__ = ["KINDS", "Framing", "HeadlineScore", "Signal", "analyze_article", "analyze_framing",
           "framing_delta"]
