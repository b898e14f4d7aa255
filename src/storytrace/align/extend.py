"""Growing seeds into passages: gap-tolerant clustering in both texts.

Seeds are split into groups wherever the gap between them in text A exceeds
``max_gap`` tokens, each group is split the same way in text B, and so on
until nothing changes (the "extension" of Sanchez-Perez et al., PAN 2014).
Reordered material therefore ends up as separate passages, each in order.
"""

from __future__ import annotations

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


def merge_condensed(clusters: list[list[Seed]], max_gap: int, stretch: int = 5
                    ) -> list[list[Seed]]:
    """Join consecutive clusters where one text condenses the other.

    A summary keeps a few sentences of its source and drops those between:
    its pieces are adjacent in one text (gap <= ``max_gap``) but apart in the
    other (gap <= ``stretch * max_gap``), in the same order. Such pieces are one
    reused passage, not several.
    """
    merged: list[list[Seed]] = []
    for group in sorted(clusters, key=lambda c: min(s.a0 for s in c)):
        if merged:
            prev = merged[-1]
            a_gap = min(s.a0 for s in group) - max(s.a1 for s in prev)
            b_gap = min(s.b0 for s in group) - max(s.b1 for s in prev)
            near, far = sorted((a_gap, b_gap))
            if near >= -max_gap and near <= max_gap and 0 <= far <= stretch * max_gap:
                prev.extend(group)
                continue
        merged.append(list(group))
    return merged
