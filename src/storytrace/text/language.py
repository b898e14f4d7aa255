"""Which language an article is written in, detected once, at ingest.

py3langid (a maintained fork of langid.py, Lui and Baldwin 2012: a naive Bayes model over
byte n-grams for 97 languages, shipped inside the package, no download) reads the text.
Texts under ``MIN_WORDS`` words are too short to tell reliably and stay unknown (``""``),
and so does a text no language fits well (:data:`MIN_PROBABILITY`).
Components that only know English (the same-story model, the framing models) say so for
other languages instead of guessing; an unknown language is read as English, which is
what the corpora these models were trained on are.
"""

from __future__ import annotations

from functools import lru_cache

from storytrace.text.words import WORD

MIN_WORDS = 20
#: A language other than English is named only at this probability or above (real news in
#: another language scores 0.85-1.0; text the model cannot place stays unknown).
MIN_PROBABILITY = 0.8
#: Read as English by English-only components: unknown, English, and Nigerian Pidgin (an
#: English-lexified language the model also gives to English with unusual words).
ENGLISH = frozenset(("", "en", "pcm"))
#: English function words: a text of which at least ENGLISH_SHARE of the words are these is
#: English without asking the model. Measured on SemEval-2022's 2,545 texts of 20+ words in
#: ten languages (bench/language_shortcut.py): 95% of English texts score 0.238 or more (up
#: to 0.48), the others at most 0.16; over those and FakeNewsNet, 980 texts take this path
#: and the model says other than English on 1.
ENGLISH_SHARE = 0.25
_FUNCTION_WORDS = frozenset(
    "the of and to a in is that for on was with he it as at by his be from are this have "
    "said not or were has they an but which had their been who will would her she we you "
    "its".split())


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str:
    """The ISO 639-1 code of ``text``'s language, or ``""`` when it is too short to tell.

    >>> detect_language("The city council voted on Tuesday to close the old bridge for two "
    ...                 "years of repairs after engineers found cracks in its supports.")
    'en'
    >>> detect_language("Der Stadtrat hat am Dienstag beschlossen, die alte Brücke für zwei "
    ...                 "Jahre zu schließen, nachdem Ingenieure Risse in drei ihrer Stahlträger "
    ...                 "gefunden hatten, sagte die Stadt.")
    'de'
    >>> detect_language("Too short.")
    ''
    """
    words = WORD.findall(text[:20_000])
    if len(words) < MIN_WORDS:
        return ""
    if sum(w.lower() in _FUNCTION_WORDS for w in words) >= ENGLISH_SHARE * len(words):
        return "en"  # plainly English: the model need not be loaded (about 0.6 CPU-s)
    language, probability = _identifier().classify(text[:20_000])
    return language if language == "en" or probability >= MIN_PROBABILITY else ""


def is_english(language: str) -> bool:
    """Whether an English-only component may read an article of ``language``."""
    return language in ENGLISH
