"""Linking entity mentions across versions: which mentions name the same entity.

Mentions are clustered by normalised name, by an acronym and its expansion ("ICE" and
"Immigration and Customs Enforcement", whether defined in parentheses or spelled by the
initials), by an organisation name inside a longer one, by a surname and the one full name
it ends ("Gonzalez", "David Gonzalez"), and by a place with and without "City". Each
cluster gets one kind (a person if the person evidence is at least half of it) and a key,
``kind:longest name``, which becomes every mention's ``value``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Any

from storytrace.diff.entities import CONNECTORS
from storytrace.diff.facts import Fact


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, x: str, y: str) -> None:
        self.parent[self.find(x)] = self.find(y)


def _acronyms(name: str) -> set[str]:
    words = [w for w in re.split(r"[\s-]+", name) if w]
    content = [w for w in words if w not in CONNECTORS]
    out = {"".join(w[0] for w in content)}
    out.add("".join(w[0] for w in words if w not in ("the", "and", "&")))
    return {a for a in out if len(a) >= 2}


_KIND_ORDER = ("person", "org", "place", "group", "entity")


def link_entities(mentions: list[list[Fact]], definitions: dict[str, str] | None = None
                  ) -> tuple[list[list[Fact]], dict[str, dict[str, Any]]]:
    """Cluster entity mentions of several texts; each mention's value becomes its entity key.

    Returns the mentions (same order, ``kind`` and ``value`` set from the cluster) and, per
    key, ``{"kind", "name", "names"}`` with a display name.

    >>> from storytrace.diff.entities import extract_entities
    >>> a = extract_entities("Officers met David Gonzalez of the New York Police Department.",
    ...                      spacy=False)
    >>> b = extract_entities("Then the NYPD let Gonzalez go.", spacy=False)
    >>> (la, lb), ents = link_entities([a, b])
    >>> [(m.text, m.value) for m in la + lb]  # doctest: +NORMALIZE_WHITESPACE
    [('David Gonzalez', 'person:david gonzalez'),
     ('New York Police Department', 'org:new york police department'),
     ('NYPD', 'org:new york police department'), ('Gonzalez', 'person:david gonzalez')]
    """
    uf = _UnionFind()
    kinds: dict[str, Counter[str]] = {}
    surfaces: dict[str, Counter[str]] = {}
    for ms in mentions:
        for m in ms:
            uf.find(m.value)
            kinds.setdefault(m.value, Counter())[m.kind] += 1
            surfaces.setdefault(m.value, Counter())[m.text] += 1
    acronyms = _join_names(uf, kinds, surfaces, definitions or {})
    clusters: dict[str, list[str]] = {}
    for n in kinds:
        clusters.setdefault(uf.find(n), []).append(n)
    info: dict[str, dict[str, Any]] = {}
    key_of: dict[str, str] = {}
    kind_by_name: dict[str, str] = {}
    for members in clusters.values():
        key, entity = _entity(members, kinds, surfaces, acronyms)
        info[key] = entity
        for n in members:
            key_of[n] = key
            kind_by_name[n] = entity["kind"]
    linked = [[replace(m, kind=kind_by_name[m.value], value=key_of[m.value]) for m in ms]
              for ms in mentions]
    return linked, info


def _join_names(uf: _UnionFind, kinds: dict[str, Counter[str]],
                surfaces: dict[str, Counter[str]], defs: dict[str, str]) -> set[str]:
    """Join the names that stand for one entity (an acronym and what it abbreviates, an
    organisation and its longer name, a surname and the one full name it fits, a place
    and its "city"/"state"); returns the names that are acronyms."""
    names = list(kinds)

    def kind_of(n: str) -> str:
        return min(kinds[n], key=lambda k: (_KIND_ORDER.index(k), -kinds[n][k]))

    for acro, long in defs.items():
        if acro in kinds and long in kinds:
            uf.union(acro, long)
    acronyms = {n for n in names if n.replace(" ", "").isalpha() and " " not in n
                and any(s.isupper() for s in surfaces[n])}
    for n in names:
        if " " in n and kind_of(n) in ("org", "entity"):
            for a in _acronyms(n) & acronyms:
                if kind_of(a) in ("org", "entity"):
                    uf.union(a, n)
    for short in names:
        for long in names:
            if short == long or kind_of(short) != "org" or kind_of(long) != "org":
                continue
            if " " in short and f" {short}" in f" {long}" and len(short) < len(long):
                uf.union(short, long)
    # Surnames: "Gonzalez" → "David Gonzalez" when exactly one full name fits.
    persons = [n for n in names if kind_of(n) == "person" and " " in n]
    for short in names:
        if kind_of(short) not in ("person", "entity"):
            continue
        fits = {uf.find(p) for p in persons if p != short and p.endswith(" " + short)}
        if len(fits) == 1:
            uf.union(short, fits.pop())
    for a in names:  # "New York" and "New York City"
        for b in names:
            if kind_of(a) == kind_of(b) == "place" and b in (a + " city", a + " state"):
                uf.union(a, b)
    return acronyms


def _entity(members: list[str], kinds: dict[str, Counter[str]],
            surfaces: dict[str, Counter[str]], acronyms: set[str]
            ) -> tuple[str, dict[str, Any]]:
    """One cluster of names as an entity: its key and ``{"kind", "name", "names"}``."""
    votes: Counter[str] = Counter()
    for n in members:
        votes.update(kinds[n])
    specific = [k for k in _KIND_ORDER[:-1] if votes[k]]
    if "person" in specific and votes["person"] * 2 >= sum(votes[k] for k in specific):
        kind = "person"
    else:
        kind = max(specific, key=lambda k: (votes[k], -_KIND_ORDER.index(k))) \
            if specific else "entity"
    full = [n for n in members if n not in acronyms] or members
    head = max(full, key=lambda n: (len(n.split()), len(n), n))
    display = max(surfaces[head], key=lambda s: (len(s.split()), surfaces[head][s], s))
    acro = [n for n in members if n in acronyms and n != head]
    if acro:
        display += f" ({max(surfaces[acro[0]], key=surfaces[acro[0]].get)})"
    return f"{kind}:{head}", {"kind": kind, "name": display, "names": sorted(members)}
