"""Where a reused passage begins and ends: never over a stretch only one text has.

The texts are excerpts of FakeNewsNet pairs a fact-checker read (session 15): a quotation
that one site splits with its own commentary (Occupy Democrats / AddictingInfo on Kathy
Miller), a paragraph that one site moves to its top and prints again in the copy (the
Daily Caller's Ranbaxy report on Right Wing News), and a headline that rewords the other
site's lead above an insult of the site's own (the Rahami lawsuit).
"""

from __future__ import annotations

import pytest

from storytrace.align import Aligner
from storytrace.align.extend import merge_nearby
from storytrace.align.seeds import Seed, trim_sentence
from storytrace.align.semantic import default_encoder

MILLER_A = (
    '“I don’t think there was any racism until Obama got elected. We never had'
    ' problems like this … Now, with the people with the guns, and shooting up'
    ' neighborhoods, and not being responsible citizens, that’s a big change, and I'
    ' think that’s the philosophy that Obama has perpetuated on America. Growing up'
    ' as a kid, there was no racism, believe me. We were just all kids going to'
    ' school.”\n\nThis perfectly illustrates how the right-wing digs their mental bogs'
    ' of ignorance – blame Obama for literally everything; absolve self/race/identity'
    ' group of all responsibility, then construct pleasant fantasy.\n\nSupporting her'
    ' candidate’s constant efforts to sabotage what little support he has within the'
    ' African-American community, she then went on to say that black Americans are'
    ' responsible for the decades of their socioeconomic disenfranchisement by saying'
    ' that “if you’re black and you haven’t been successful in the last 50 years,'
    ' it’s your own fault. You’ve had every opportunity, it was given to you. You’ve'
    ' had the same schools everybody else went to. You had benefits to go to college'
    ' that white kids didn’t have. You had all the advantages and didn’t take'
    ' advantage of it. It’s not our fault, certainly.”\n\nTo put a big white cherry on'
    ' this perverse cake of racism, she then felt the need to add that “the Black'
    ' Lives Matter movement is a stupid waste of time” and that low voter turnout is'
    ' probably related to how black Americans “were raised.”'
)

MILLER_B = (
    'Trump’s campaign chair in the prominent Mahoning County in Ohio, Kathy Miller,'
    ' has resigned from her position after denying there was any racism in the 1960s'
    ' and that if black people weren’t successful in the last 50 years, it’s their'
    ' own fault. She also said there wasn’t “any racism until Obama got elected” and'
    ' skirted problems under the table:\n\nIf you’re black and you haven’t been'
    ' successful in the last 50 years, it’s your own fault. You’ve had every'
    ' opportunity, it was given to you. You’ve had the same schools everybody else'
    ' went to. You had benefits to go to college that white kids didn’t have. You had'
    ' all the advantages and didn’t take advantage of it. It’s not our fault,'
    ' certainly.\n\nMiller then doubled down, calling the Black Lives Matter movement a'
    ' “stupid waste of time” and said low voter turnout in the African American'
    ' community as due to “the way they’re raised.”'
)

RANBAXY_A = (
    'The congressional report focused on Clinton’s decade-long relationship with a'
    ' controversial Indian drug manufacturer called Ranbaxy, which CHAI used as one'
    ' of its main distributors of HIV/AIDS drugs to Third World countries.\n\nIt also'
    ' highlighted the work of Dinesh Thakur, a former Ranbaxy employee who became a'
    ' star whistleblower and permitted the U.S. government to launch a landmark'
    ' lawsuit against the Indian firm. The company was vulnerable to U.S. prosecution'
    ' because it also sold its generic drugs on the U.S. market.\n\nRanbaxy ultimately'
    ' pleaded guilty in 2013 to seven criminal counts with intent to defraud and the'
    ' introduction of adulterated drugs into interstate commerce.\n\nThe Department of'
    ' Justice further levied a $500 million fine and forfeiture on the'
    ' company.\n\n“This is the largest false claims case ever prosecuted in the'
    ' District of Maryland, and the nation’s largest financial penalty paid by a'
    ' generic pharmaceutical company,” said U.S. Attorney for the District of'
    ' Maryland Rod J. Rosenstein when Ranbaxy pleaded guilty.\n\n“When companies sell'
    ' adulterated drugs, they undermine the integrity of the FDA’s approval process'
    ' and may cause patients to take drugs that are substandard, ineffective, or'
    ' unsafe,” said Stuart F. Delery, acting assistant attorney general for the civil'
    ' division of the Department of Justice, when the government announced its action'
    ' against the Indian company.\n\nThe Department of Justice stated in its final'
    ' settlement, “alleged due to the company’s diluted drugs, it ‘subjected patients'
    ' to increased risks of morbidity and mortality,’” according to the report.\n\n“The'
    ' question becomes, ‘how many people lost their lives, how many people found it'
    ' was a false promise,’” asked Blackburn in an interview with TheDCNF'
)

RANBAXY_B = (
    'y was eventually found guilty in 2013 on seven counts with intent to defraud and'
    ' the introduction of adulterated drugs into interstate commerce. The DOJ also'
    ' levied a $500 million fine and forfeiture against the company. So, one wonders'
    ' why the Clintons were not also looked into and questioned on all of'
    ' this.\n\n“This is the largest false claims case ever prosecuted in the District'
    ' of Maryland, and the nation’s largest financial penalty paid by a generic'
    ' pharmaceutical company,” said US Attorney for the District of Maryland Rod J.'
    ' Rosenstein when Ranbaxy pleaded guilty.\n\nFrom The Daily Caller:\n\nThe'
    ' congressional report focused on Clinton’s decade-long relationship with a'
    ' controversial Indian drug manufacturer called Ranbaxy, which CHAI used as one'
    ' of its main distributors of HIV/AIDS drugs to Third World countries. It also'
    ' highlighted the work of Dinesh Thakur, a former Ranbaxy employee who became a'
    ' star whistleblower, permitting the U.S. government to launch a landmark lawsuit'
    ' against the Indian firm. The company was vulnerable to U.S. prosecution because'
    ' it also sold its generic drugs on the U.S. market. Ranbaxy ultimately pleaded'
    ' guilty in 2013 to seven criminal counts with intent to defraud and the'
    ' introduction of adulterated drugs into interstate commerce.\n\n“The question'
    ' becomes, ‘how many people lost their lives, how many people found it was a'
    ' false promise,’” asked Blackburn in an interview with the'
)

RAHAMI_A = (
    'The prime suspect in the New York and New Jersey bombings sued his local police'
    ' force and claimed they were persecuting him for being a Muslim. Ahmad Rahami'
    ' said in a lawsuit that cops in Elizabeth, New Jersey subjected his and his'
    ' family to discrimination and ‘selective enforcement’ based on their religion.'
    ' The family claimed that police'
)

RAHAMI_B = (
    'New York bomb Suspect SUED Police!\n\nNow we find out that not only is Ahmad'
    ' Rahami a terrorist and a murderer, he’s an entitled whiner. Ahmad Rahami'
    ' reported in a lawsuit that cops in Elizabeth, New Jersey were subjecting his'
    ' family to discrimination because of their culture. Ironically, he was arrested'
    ' for planting bombs around the Tri-state area… you know, his culture.\n\nIn the'
    ' lawsuit, the family complained that local officials were trying to shut down'
    ' their chicken restaurant that they had own'
)


@pytest.fixture(scope="module")
def lexical() -> Aligner:
    return Aligner(semantic=False)


def _span(text: str, start: str, end: str) -> tuple[int, int]:
    """Characters from the first ``start`` to the end of the first ``end`` after it."""
    s = text.index(start)
    return s, text.index(end, s) + len(end)


def _overlap(x: tuple[int, int], y: tuple[int, int]) -> int:
    return max(0, min(x[1], y[1]) - max(x[0], y[0]))


def test_a_quotation_split_by_commentary_stops_at_the_commentary(lexical):
    commentary = _span(MILLER_A, "This perfectly illustrates", "by saying that “")
    intro_b = _span(MILLER_B, "Trump’s campaign chair", "their own fault.")
    passages = lexical.align(MILLER_A, MILLER_B).passages
    assert passages, "the quoted remarks both print are reuse"
    for p in passages:
        assert _overlap((p.a_start, p.a_end), commentary) == 0, MILLER_A[p.a_start:p.a_end]
        assert _overlap((p.b_start, p.b_end), intro_b) == 0, MILLER_B[p.b_start:p.b_end]
    quoted = _span(MILLER_A, "if you’re black", "certainly.”")
    assert any(p.a_start <= quoted[0] + 1 and quoted[1] - 2 <= p.a_end for p in passages)


def test_a_paragraph_printed_twice_is_two_passages(lexical):
    """B prints A's Ranbaxy paragraph at its top, then A's text from an earlier point on:
    one passage over both would take in B's credit line and A's Delery quotation."""
    credit = _span(RANBAXY_B, "From The Daily Caller:", ":")
    delery = _span(RANBAXY_A, "“When companies sell", "against the Indian company.")
    passages = lexical.align(RANBAXY_A, RANBAXY_B).passages
    assert len(passages) == 3
    for p in passages:
        assert _overlap((p.b_start, p.b_end), credit) == 0
        assert _overlap((p.a_start, p.a_end), delery) == 0
    moved = RANBAXY_B.index("counts with intent to defraud")
    assert any(p.b_start == moved for p in passages)


@pytest.mark.skipif(default_encoder() is None, reason="semantic extra not installed")
def test_a_headline_rewording_a_lead_does_not_pull_in_an_insult():
    insult = _span(RAHAMI_B, "Now we find out", "entitled whiner.")
    passages = Aligner(semantic=True).align(RAHAMI_A, RAHAMI_B).passages
    assert passages
    for p in passages:
        assert p.b_start >= insult[1], RAHAMI_B[p.b_start:p.b_end]


def test_a_sentence_pair_is_cut_to_its_shared_part():
    # A's 40-word sentence ends with the 10 words B's 12-word sentence reuses
    seed = Seed(0, 40, 0, 12, "sentence", 0.8)
    runs = [Seed(29, 39, 1, 11, "ngram")]
    assert trim_sentence(seed, runs, max_gap=10) == Seed(28, 40, 0, 12, "sentence", 0.8)
    # a head a few words longer on one side is an edit, kept
    assert trim_sentence(Seed(0, 20, 0, 14, "sentence"), [Seed(8, 18, 2, 12, "ngram")],
                         max_gap=10) == Seed(0, 20, 0, 14, "sentence")
    # without a shared run inside there is nothing to cut by
    assert trim_sentence(seed, [Seed(50, 60, 1, 11, "ngram")], max_gap=10) == seed


def test_pieces_that_align_the_same_words_twice_are_not_joined():
    # words 100-130 of A are aligned with B 200-230 and, again, with B 0-30 (B prints them
    # twice): the two are separate passages, however near they lie
    first = [Seed(0, 130, 30, 160, "ngram")]
    again = [Seed(100, 130, 0, 30, "ngram")]
    assert len(merge_nearby([first, again], max_gap=10)) == 2
    # pieces that are adjacent in both texts, each word aligned once, are still joined
    assert len(merge_nearby([[Seed(0, 20, 0, 20, "ngram")], [Seed(25, 45, 22, 42, "ngram")]],
                            max_gap=10)) == 1


def test_a_long_stretch_only_one_text_has_is_not_bridged():
    near = [[Seed(0, 20, 0, 20, "ngram")], [Seed(80, 100, 20, 40, "ngram")]]
    far = [[Seed(0, 20, 0, 20, "ngram")], [Seed(95, 115, 20, 40, "ngram")]]
    assert len(merge_nearby(near, max_gap=10)) == 1  # 60 words dropped: a summary
    assert len(merge_nearby(far, max_gap=10)) == 2  # 75 words of A's own


def test_a_sentence_pair_with_no_shared_run_is_not_joined_across_a_gap():
    headline = [Seed(0, 26, 0, 6, "sentence", 0.7)]
    body = [Seed(26, 52, 25, 51, "ngram")]
    assert len(merge_nearby([headline, body], max_gap=10)) == 2
    summary_piece = [Seed(0, 26, 0, 8, "sentence", 0.7), Seed(2, 8, 1, 7, "ngram")]
    assert len(merge_nearby([summary_piece, body], max_gap=10)) == 1
