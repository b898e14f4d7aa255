"""Growing seeds into passages: gap-tolerant clustering in both texts.

Seeds are split into groups wherever the gap between them in text A exceeds
``max_gap`` tokens, each group is split the same way in text B, and so on
until nothing changes (the "extension" of Sanchez-Perez et al., PAN 2014).
Reordered material therefore ends up as separate passages, each in order.
"""

from __future__ import annotations

from collections.abc import Callable

from storytrace.align.seeds import Seed


def _split(seeds: list[Seed], in_a: bool, max_gap: int) -> list[list[Seed]]:
    key = (lambda s: (s.a0, s.a1)) if in_a else (lambda s: (s.b0, s.b1))
    ordered = sorted(seeds, key=key)
    groups: list[list[Seed]] = []
    reach = -1
    for seed in ordered:
        start, end = key(seed)
        if not groups or start > reach + max_gap:
            groups.append([seed])
            reach = end
        else:
            groups[-1].append(seed)
            reach = max(reach, end)
    return groups


def cluster(seeds: list[Seed], max_gap: int) -> list[list[Seed]]:
    """Partition ``seeds`` into clusters that are contiguous (up to ``max_gap``) in both texts.

    >>> s = [Seed(0, 3, 10, 13, "ngram"), Seed(5, 8, 15, 18, "ngram"),
    ...      Seed(50, 53, 60, 63, "ngram")]
    >>> [len(c) for c in cluster(s, max_gap=4)]
    [2, 1]
    """
    done: list[list[Seed]] = []
    todo = [(seeds, True)]
    while todo:
        group, in_a = todo.pop()
        parts = _split(group, in_a, max_gap)
        if len(parts) == 1:
            # Stable in this text; check the other one unless it was just checked.
            other = _split(group, not in_a, max_gap)
            if len(other) == 1:
                done.append(group)
            else:
                todo.extend((p, in_a) for p in other)
        else:
            todo.extend((p, not in_a) for p in parts)
    return sorted(done, key=lambda c: min(s.a0 for s in c))


def merge_nearby(clusters: list[list[Seed]], max_gap: int, stretch: int = 7,
                 substantial: Callable[[list[Seed]], bool] | None = None
                 ) -> list[list[Seed]]:
    """Join clusters that are one passage cut into pieces.

    Two clusters are joined when they overlap or nearly touch in both texts
    (gap <= ``max_gap`` words): the pieces of a passage whose clauses or
    sentences were shuffled. They are also joined when they nearly touch in one
    text and lie in the same order not far apart (<= ``stretch * max_gap``) in
    the other: a summary keeps a few sentences of its source and drops those
    between, so its pieces are adjacent in one text but apart in the other.
    Only ``substantial`` pieces (by default: 6 or more words, or a sentence
    seed) are joined across such a gap, so a stray shared phrase is not pulled in,
    and only pieces with a shared word run: a sentence pair alike by its words'
    meaning alone (a headline rewording the other text's lead) says that the two
    sentences tell one thing, not where a passage runs.
    The gap is at most 70 words (``stretch`` 7): a stretch longer than that which
    one text has and the other does not (a writer's own commentary between two
    quotations) is not part of the reuse, and the passage stops at it.

    Two clusters are never joined when they align the same words of one text with
    two different places of the other (a text that prints a paragraph twice, a
    phrase that recurs): each word is aligned once, and the stray copy would
    stretch the passage over the other text's own words.

    >>> s = [Seed(0, 6, 0, 6, "ngram"), Seed(30, 36, 6, 12, "ngram"),
    ...      Seed(200, 206, 12, 18, "ngram")]
    >>> [len(c) for c in merge_nearby([[x] for x in s], max_gap=10)]
    [2, 1]
    """
    boxes = [[min(s.a0 for s in c), max(s.a1 for s in c), min(s.b0 for s in c),
              max(s.b1 for s in c), list(c), _covered(c, True), _covered(c, False)]
             for c in clusters]
    substantial = substantial or _substantial
    far_limit = stretch * max_gap
    changed = True
    while changed and len(boxes) > 1:
        changed = False
        boxes.sort(key=lambda x: x[0])
        out = [boxes[0]]
        for box in boxes[1:]:
            for prev in reversed(out):
                if box[0] - prev[1] > far_limit:
                    continue
                if _joinable(prev, box, max_gap, far_limit, substantial):
                    prev[0], prev[1] = min(prev[0], box[0]), max(prev[1], box[1])
                    prev[2], prev[3] = min(prev[2], box[2]), max(prev[3], box[3])
                    prev[4].extend(box[4])
                    prev[5] |= box[5]
                    prev[6] |= box[6]
                    changed = True
                    break
            else:
                out.append(box)
        boxes = out
    return [b[4] for b in sorted(boxes, key=lambda x: x[0])]


def _substantial(seeds: list[Seed]) -> bool:
    return any(s.kind == "sentence" for s in seeds) or \
        len({i for s in seeds for i in range(s.a0, s.a1)}) >= 6


def _covered(seeds: list[Seed], in_a: bool) -> set[int]:
    return {i for s in seeds for i in (range(s.a0, s.a1) if in_a else range(s.b0, s.b1))}


def _has_run(seeds: list[Seed]) -> bool:
    return any(s.kind == "ngram" for s in seeds)


def _aligned_twice(x: list, y: list) -> bool:
    """True when words of one text are aligned by ``x`` to one place and by ``y`` to
    another: more shared words in one text than in the other."""
    return abs(len(x[5] & y[5]) - len(x[6] & y[6])) >= 2


def _joinable(x: list, y: list, max_gap: int, far_limit: int,
              substantial: Callable[[list[Seed]], bool]) -> bool:
    # A gap is negative where the two boxes overlap.
    gap_a = max(x[0], y[0]) - min(x[1], y[1])
    gap_b = max(x[2], y[2]) - min(x[3], y[3])
    if gap_a <= max_gap and gap_b <= max_gap:
        return not _aligned_twice(x, y)
    if not (substantial(x[4]) and substantial(y[4])):
        return False
    if not (_has_run(x[4]) and _has_run(y[4])):
        return False
    same_order = (x[0] <= y[0]) == (x[2] <= y[2])
    near, far = sorted((gap_a, gap_b))
    return (same_order and -max_gap <= near <= max_gap and 0 <= far <= far_limit
            and not _aligned_twice(x, y))
