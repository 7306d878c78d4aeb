"""Free text to one of a few known things, forgiving typos, and honest about doubt.

One matcher serves answers, commands, entry points, `explain` and the TUI's
completions, so "what the box suggests" and "what Enter does" never disagree.
It normalises both sides (case, punctuation, spacing, number words), prefers
exact hits, then scores with rapidfuzz. When the best two candidates are
close it returns both so the caller can ask which was meant instead of
guessing; when nothing is close it says so.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterable, Literal, Sequence

from rapidfuzz import fuzz

NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10",
}
#: A match must score at least this (0-100) to count.
THRESHOLD = 80.0
#: Two candidates whose scores are this close are both offered.
MARGIN = 6.0
#: A text naming an option by one of its words is a sentence, not a paste: at most this many words.
MAX_NAMING_WORDS = 20

_PUNCT = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=16384)
def normalise(text: str) -> str:
    """Lower case, punctuation to spaces, number words to digits, single spaces."""
    t = _PUNCT.sub(" ", text.lower().replace("'", "").replace("\u2019", ""))
    words = [NUMBER_WORDS.get(w, w) for w in t.split()]
    return _SPACES.sub(" ", " ".join(words)).strip()


@dataclass(frozen=True)
class Candidate:
    """Something the user might mean: ``key`` is returned, ``terms`` are matched."""

    key: str
    label: str
    terms: tuple[str, ...] = ()

    def all_terms(self) -> tuple[str, ...]:
        return (self.label, self.key, *self.terms)


@dataclass(frozen=True)
class Match:
    kind: Literal["exact", "close", "ambiguous", "none"]
    candidates: tuple[Candidate, ...] = ()
    score: float = 0.0

    @property
    def one(self) -> Candidate | None:
        return self.candidates[0] if self.kind in ("exact", "close") else None


@functools.lru_cache(maxsize=65536)
def score(text: str, term: str) -> float:
    """How well typed text matches one term (0-100)."""
    a, b = normalise(text), normalise(term)
    if not a or not b:
        return 0.0
    if a == b or a.replace(" ", "") == b.replace(" ", ""):
        return 100.0
    best = max(fuzz.ratio(a, b), fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")))
    if " " in a or " " in b:
        best = max(best, fuzz.token_sort_ratio(a, b))
        # A short phrase wholly inside a longer one ("m2 not paying" in "my m2 is not paying").
        short, long_ = sorted((a, b), key=len)
        if len(short) >= 5 and len(short.split()) >= 2:
            best = max(best, fuzz.partial_ratio(short, long_) * 0.95)
    return float(best)


def rank(text: str, candidates: Iterable[Candidate]) -> list[tuple[float, Candidate]]:
    scored = [(max((score(text, t) for t in c.all_terms()), default=0.0), c) for c in candidates]
    scored.sort(key=lambda p: -p[0])
    return scored


def match(text: str, candidates: Sequence[Candidate], threshold: float = THRESHOLD) -> Match:
    """The candidate meant by ``text``: exact, close, ambiguous (several) or none."""
    if not normalise(text):
        return Match("none")
    exact = [c for c in candidates if any(normalise(t) == normalise(text) for t in c.all_terms())]
    exact = list({c.key: c for c in exact}.values())
    if len(exact) == 1:
        return Match("exact", (exact[0],), 100.0)
    if len(exact) > 1:
        return Match("ambiguous", tuple(exact), 100.0)
    # One candidate named by a whole word of the text ("my m2 is not paying", "outcome 8 please"). Only in
    # a sentence: in a long paste (binary junk, a file) some word is bound to be "1" or "yes" by chance.
    words = normalise(text).split()
    tokens = set(words)
    if len(tokens) > 1 and len(words) <= MAX_NAMING_WORDS:
        named = {c.key: c for c in candidates for t in c.all_terms()
                 if (nt := normalise(t)) and " " not in nt and nt in tokens}
        if len(named) == 1:
            return Match("close", tuple(named.values()), 95.0)
    ranked = [(s, c) for s, c in rank(text, candidates) if s >= threshold]
    seen: dict[str, tuple[float, Candidate]] = {}
    for s, c in ranked:
        seen.setdefault(c.key, (s, c))
    ranked = list(seen.values())
    if not ranked:
        return Match("none")
    best = ranked[0][0]
    close = [c for s, c in ranked if best - s < MARGIN]
    if len(close) > 1:
        return Match("ambiguous", tuple(close), best)
    return Match("close", (ranked[0][1],), best)


def suggest(text: str, candidates: Sequence[Candidate], limit: int = 8) -> list[Candidate]:
    """Candidates for a completion list, best first (a lower bar than ``match``)."""
    if not normalise(text):
        return list(candidates)[:limit]
    prefix = normalise(text)
    starts = [c for c in candidates if any(normalise(t).startswith(prefix) for t in c.all_terms())]
    rest = [c for s, c in rank(text, candidates) if s >= 60 and c not in starts]
    out: list[Candidate] = []
    for c in starts + rest:
        if c.key not in {o.key for o in out}:
            out.append(c)
    return out[:limit]


_ASKED = ("what is ", "what's ", "whats ", "what does ", "what are ", "meaning of ", "explain ", "define ")


def asked_term(text: str) -> str | None:
    """The term in "what is ZPROG001?" / "what does Outcome 8 mean?" / "explain EVI", else None."""
    t = text.strip().rstrip("?!. ")
    low = t.lower()
    for lead in _ASKED:
        if low.startswith(lead):
            term = t[len(lead):].strip()
            for tail in (" mean", " stand for"):
                if term.lower().endswith(tail):
                    term = term[: -len(tail)].strip()
            if term.lower().startswith(("a ", "an ", "the ")):
                term = term.split(" ", 1)[1]
            return term or None
    return None
