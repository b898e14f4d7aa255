"""Stories that resist chaining: one weak link never joins two groups, chains of pairwise
links stay apart, and tracing unrelated articles leaves existing stories and ids alone."""

from __future__ import annotations

import random

from storytrace.engines.core import STORY_MERGE, cluster_links, link_strength
from storytrace.engines.local import build_stories, run_trace
from storytrace.model import Article, Link
from storytrace.store import Store


def _link(a: int, b: int, score: float = 0.9, kind: str = "reuse") -> Link:
    return Link(a, b, kind, score, score, score, {})


def _clique(nodes: list[int], score: float = 0.9, kind: str = "reuse") -> list[Link]:
    return [_link(a, b, score, kind) for i, a in enumerate(nodes) for b in nodes[i + 1:]]


def _groups(members: list[int], labels: list[int]) -> list[list[int]]:
    out: dict[int, list[int]] = {}
    for m, label in zip(members, labels, strict=True):
        out.setdefault(label, []).append(m)
    return sorted(out.values())


def test_one_link_never_joins_two_dense_groups() -> None:
    one, two = [1, 2, 3, 4], [5, 6, 7, 8]
    for bridge in (_link(4, 5, 0.05), _link(4, 5, 1.0), _link(4, 5, 0.99, "same_story")):
        links = [*_clique(one, 0.8, "same_story"), *_clique(two), bridge]
        assert _groups([*one, *two], cluster_links([*one, *two], links)) == [one, two]
    # Even a strong link: its strength (at most 1) is below what two groups of four need.
    assert 1.0 < STORY_MERGE * 4


def test_two_groups_with_many_links_between_them_merge() -> None:
    one, two = [1, 2, 3], [4, 5, 6]
    links = [*_clique(one), *_clique(two), _link(1, 4), _link(2, 5), _link(3, 6)]
    assert _groups([*one, *two], cluster_links([*one, *two], links)) == [[*one, *two]]


def test_a_chain_of_pairwise_links_is_not_one_story() -> None:
    chain = list(range(1, 9))
    for score in (0.6, 0.9, 1.0):
        links = [_link(a, a + 1, score, "same_story") for a in chain[:-1]]
        groups = _groups(chain, cluster_links(chain, links))
        # each next step of the chain is one link to a pair that same-story links made
        assert max(map(len, groups)) == 2, (score, groups)
    # A hub linked to many articles that are not linked to each other: a star, not a story.
    star = cluster_links(list(range(10)), [_link(0, k, 0.9, "same_story") for k in range(1, 10)])
    assert max(star.count(label) for label in star) == 2
    # Copy links chain: a copy of a copy is one family.
    copies = [_link(a, a + 1, 0.8) for a in chain[:-1]]
    assert len(set(cluster_links(chain[:4], copies[:3]))) == 1


def test_two_same_story_links_bring_an_article_into_an_assembled_story() -> None:
    # 1-2-3 a triangle of same-story links; 4 is linked to one of them, then to two.
    story = _clique([1, 2, 3], 0.8, "same_story")
    one = cluster_links([1, 2, 3, 4], [*story, _link(3, 4, 0.95, "same_story")])
    assert one[3] != one[0] and len(set(one[:3])) == 1
    two = [_link(2, 4, 0.7, "same_story"), _link(3, 4, 0.7, "same_story")]
    assert len(set(cluster_links([1, 2, 3, 4], [*story, *two]))) == 1


def test_a_copy_family_is_one_text_to_a_same_story_link() -> None:
    # 1 and its copy 2; 3 reports the same story and is linked to 1 only (the copy was
    # not a candidate): the link speaks for the copy too.
    links = [_link(1, 2, 0.9), _link(1, 3, 0.8, "same_story")]
    assert len(set(cluster_links([1, 2, 3], links))) == 1
    # ... but not when 1 and 3 were themselves joined by a same-story link.
    chain = [_link(1, 3, 0.8, "same_story"), _link(3, 4, 0.8, "same_story")]
    assert len(set(cluster_links([1, 3, 4], chain))) == 2


def test_an_article_joins_the_story_it_copies() -> None:
    story = [1, 2, 3, 4]
    # One copy link (a fifth of a version) brings an article into a story of four.
    labels = cluster_links([*story, 5], [*_clique(story), _link(4, 5, 0.2)])
    assert len(set(labels)) == 1
    assert link_strength(_link(4, 5, 0.2)) == 1.1
    # Four copies of one text are one text to a same-story link: one link brings a
    # report of the same story in, as it would to the text alone (p 0.9 or 0.55).
    for p in (0.9, 0.55):
        one = cluster_links([*story, 5], [*_clique(story), _link(4, 5, p, "same_story")])
        assert len(set(one)) == 1
    # A story of two texts (two copy families that same-story links joined): one
    # same-story link does not bring an article in, two do.
    families = [_link(1, 2), _link(3, 4), *(_link(a, b, 0.9, "same_story")
                                           for a, b in ((1, 3), (1, 4), (2, 3), (2, 4)))]
    alone = cluster_links([*story, 5], [*families, _link(4, 5, 0.9, "same_story")])
    assert len(set(alone[:4])) == 1 and alone[4] != alone[0]
    two = [_link(3, 5, 0.9, "same_story"), _link(4, 5, 0.9, "same_story")]
    assert len(set(cluster_links([*story, 5], [*families, *two]))) == 1
    # A weak copy link between two copy families is not one text's: it is weighed by
    # their articles, and a fifth of a version does not bridge two stories of three.
    bridge = cluster_links([1, 2, 3, 4, 5, 6],
                           [*_clique([1, 2, 3]), *_clique([4, 5, 6]), _link(3, 4, 0.4)])
    assert bridge == [1, 1, 1, 4, 4, 4]


def test_clustering_a_component_ignores_the_rest_of_the_corpus() -> None:
    rng = random.Random(5)
    nodes = list(range(1, 40))
    links = [_link(a, b, rng.random(), rng.choice(["reuse", "same_story"]))
             for a in nodes for b in nodes if a < b and rng.random() < 0.12]
    alone = cluster_links(nodes, links)
    others = [_link(100 + k, 100 + k + 1) for k in range(20)]
    together = cluster_links([*nodes, *range(100, 121)], [*links, *others])
    assert together[: len(nodes)] == alone
    # Link order does not matter either.
    assert cluster_links(nodes, list(reversed(links))) == alone


def test_earlier_stories_are_kept_when_weakly_linked_articles_arrive() -> None:
    one, two = [1, 2, 3, 4], [5, 6, 7, 8]
    links = [*_clique(one, 0.6, "same_story"), *_clique(two, 0.6, "same_story")]
    members = [*one, *two]
    first = cluster_links(members, links)
    previous = {m: f"s-{label}" for m, label in zip(members, first, strict=True)}
    # New articles, each linked to one member of each story (unrelated to both really).
    new = [_link(1, 9, 0.8, "same_story"), _link(5, 9, 0.8, "same_story"),
           _link(2, 10, 0.8, "same_story"), _link(6, 10, 0.8, "same_story"),
           _link(9, 10, 0.9, "same_story")]
    labels = cluster_links([*members, 9, 10], [*links, *new], previous)
    assert labels[:8] == first
    # A story whose own links are gone splits along what is left.
    kept = [x for x in links if not (x.a_seq in (1, 2, 3, 4) and 4 in (x.a_seq, x.b_seq))]
    split = cluster_links(members, kept, previous)
    assert split[3] != split[0] and split[:3] == first[:3] and split[4:] == first[4:]


FAMILIES = [
    ("The city council of Brackenford voted on Tuesday to close the Millbrook library after "
     "auditors found the roof unsafe. Mayor Alma Reyes said the branch would reopen in 2026 "
     "once repairs costing 4.2 million pounds are done. Readers will be served by a mobile "
     "library parked on Station Road, and the council will publish the audit next week."),
    ("Fishermen in Port Ellery landed a record catch of mackerel on Friday, the harbour "
     "master Colm Devlin said, with 312 tonnes brought ashore in a single day. Prices at the "
     "Ellery fish market fell by a third as buyers from Rotterdam and Vigo held back, and the "
     "cooperative asked the ministry for help storing the surplus in cold rooms at Kilgarvan."),
]
UNRELATED = [
    ("Astronomers at the Tenerife observatory reported a new comet, named C/2025 Q1 by the "
     "Minor Planet Center, moving through the constellation of Lynx. Amateur observers in "
     "Iceland photographed its green tail on Sunday, and it should be visible until March."),
    ("A bakery in Ghent won the national croissant contest for the third year running, the "
     "jury of the Flemish Bakers Guild announced in Bruges on Monday, praising its butter "
     "from Herve and its 27 layers of dough folded by hand each night."),
]


def _versions(text: str, seed: int) -> list[str]:
    """Three copies of a text, each with a sentence of its own added."""
    extra = ["Local radio first reported the news.", "The decision was not unanimous.",
             "Officials declined further comment on Wednesday evening."]
    rng = random.Random(seed)
    return [text + " " + extra[k] + f" Reporting by {rng.choice('ABCDEFG')}." for k in range(3)]


def test_tracing_unrelated_articles_keeps_stories_and_ids() -> None:
    store = Store(":memory:")
    store.add([Article(id=f"f{k}-{v}", text=t, outlet=f"site{v}")
               for k, text in enumerate(FAMILIES) for v, t in enumerate(_versions(text, k))])
    run_trace(store)
    before = {s.id: sorted(a.id for a in s.articles) for s in build_stories(store)}
    assert sorted(before.values()) == [[f"f0-{v}" for v in range(3)],
                                       [f"f1-{v}" for v in range(3)]]
    store.add([Article(id=f"u{k}", text=t, outlet="other") for k, t in enumerate(UNRELATED)])
    store.add([Article(id="u-copy", text=UNRELATED[0] + " More soon.", outlet="another")])
    run_trace(store)
    after = {s.id: sorted(a.id for a in s.articles) for s in build_stories(store)}
    assert {k: v for k, v in after.items() if k in before} == before
    assert sorted(v for k, v in after.items() if k not in before) == [["u-copy", "u0"]]


def test_new_articles_each_linked_once_never_split_or_merge_earlier_stories() -> None:
    from storytrace.engines.core import stable_story_ids

    for seed in range(20):
        rng = random.Random(seed)
        old = list(range(1, 31))
        links = [_link(a, b, rng.uniform(0.5, 1.0), rng.choice(["reuse", "same_story"]))
                 for a in old for b in old if a < b and rng.random() < 0.1]
        first = cluster_links(old, links)
        keys = [f"k{m:03d}" for m in old]
        ids = stable_story_ids(first, keys, {})
        previous = dict(zip(old, ids, strict=True))
        # each new article linked to one earlier article at most (a weak relation)
        new = list(range(31, 46))
        extra = [_link(rng.choice(old), n, rng.uniform(0.5, 1.0), "same_story")
                 for n in new if rng.random() < 0.7]
        labels = cluster_links([*old, *new], [*links, *extra], previous)
        assert _groups(old, labels[: len(old)]) == _groups(old, first), seed
        again = stable_story_ids(labels, [*keys, *(f"k{m:03d}" for m in new)],
                                 dict(zip(keys, ids, strict=True)))
        assert again[: len(old)] == ids, seed


def test_clustering_again_from_its_own_stories_changes_nothing() -> None:
    # The local engine clusters a store again with its last stories as starting groups,
    # the Spark engine from scratch: both must give the same stories.
    for seed in range(30):
        rng = random.Random(100 + seed)
        nodes = list(range(1, 26))
        links = [_link(a, b, rng.uniform(0.1, 1.0), rng.choice(["reuse", "same_story"]))
                 for a in nodes for b in nodes if a < b and rng.random() < 0.15]
        first = cluster_links(nodes, links)
        previous = {m: f"s-{label}" for m, label in zip(nodes, first, strict=True)}
        assert cluster_links(nodes, links, previous) == first, seed
