"""Reading a free-text answer as one of a question's options, and knowing when not to.

Overall string similarity is the wrong tool for answers: in "they finished all the bootcamp learning"
the shared word "learning" pulls towards "still in learning", and in "hasn't finished yet" the one word
that matters is the one a fuzzy score ignores. So an answer is read as words with a polarity:

- words are normalised (case, punctuation, number words), contractions opened ("hasn't" → "has not")
  and cut to a rough stem ("finished", "finishing" → "finish"); small words carry nothing;
- a negator ("not", "no", "never", "without", "before") makes the words after it negative until the
  clause ends (a comma, "but", "just", "and"…): "not withdrawn, just finished" is withdrawn−, finish+;
- each option's vocabulary (its label and synonyms) is read the same way, so "not finished" in the
  options of "still in learning" is finish−;
- a word weighs by how well it tells options apart (a word every option has weighs nothing);
- an option is ruled out when the answer says the opposite of one of its words (finish+ against
  "not finished"); a whole answer that is only negative ("no interview yet", "nope") also says "no".

The reading is `exact` (the label, value, code or number itself), `read` (one option clearly ahead:
the session says what it took the answer to mean), `ask` (two or more options close: the session asks
which), or `none`. Numbers mean what they look like: only a whole answer `2`/`option 2` picks option 2.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Literal, Sequence

from rapidfuzz.distance import OSA

from ..ilr.vocabulary import PROGRAMME_AIM_REF
from .matching import normalise

#: Answers meaning "I don't know" (or "skip"): the fact stays unknown, at every question.
DONT_KNOW = frozenset(normalise(t) for t in (
    "don't know", "dont know", "i don't know", "i dont know", "do not know", "i do not know", "not sure",
    "i'm not sure", "im not sure", "no idea", "unknown", "skip", "unsure", "idk", "dunno", "not known",
    "can't remember", "cant remember", "i can't remember", "can't say", "no clue", "skip it",
    "skip this", "don't know yet", "i don't know yet", "not sure yet", "i'm unsure", "unsure yet",
))

#: Words that may follow a "don't know" without making it an answer: "I don't know the code", "not sure of the date".
_DONT_KNOW_TAIL = frozenset("""
the a an it its that this what which is was of about for code codes date day number reference ref one answer reason
exact yet sorry really honestly tbh to be with you
""".split())


def _is_dont_know_norm(norm: str) -> bool:
    if norm in DONT_KNOW:
        return True
    words = norm.split()
    if len(words) > 12:  # a "don't know" phrase and a few words after it; a long line is never one (and stays fast)
        return False
    for n in range(len(words) - 1, 0, -1):
        if " ".join(words[:n]) in DONT_KNOW:
            return all(w in _DONT_KNOW_TAIL for w in words[n:])
    return False


NEGATORS = frozenset({"not", "no", "never", "none", "nothing", "nope", "without", "before", "nor", "neither", "non",
                      "n", "nah"})
YES_WORDS = frozenset({"yes", "y", "yeah", "yep", "yup", "correct", "right", "true", "indeed", "aye", "sure"})
#: These say "yes" at the start of any answer; the others ("right", "sure") only standing alone ("right now…").
STRONG_YES = frozenset({"yes", "y", "yeah", "yep", "yup", "aye"})
_CONTRACTIONS = {
    "hasnt": "has not", "havent": "have not", "hadnt": "had not", "isnt": "is not", "arent": "are not",
    "wasnt": "was not", "werent": "were not", "didnt": "did not", "doesnt": "does not", "dont": "do not",
    "wont": "will not", "cant": "can not", "cannot": "can not", "couldnt": "could not", "wouldnt": "would not",
    "shouldnt": "should not", "aint": "is not", "neednt": "need not",
}
#: Phrases that negate without a negator: "they are yet to finish", "has yet to pass".
_PHRASES = re.compile(r"\byet to\b")
#: Words that end a negation's reach.
_BOUNDARY_WORDS = frozenset({"but", "just", "and", "only", "though", "however", "instead", "rather", "so", "although"})
_BOUNDARY_PUNCT = re.compile(r"[,;:.!?()\[\]]")
STOP = frozenset("""
a an the they he she it i we you me us them learner learners student students person has have had is are was were be
been being did do does doing their his her my our your its of to in on at for with by from as that this these those
there here so all any some yet still just really think guess please thanks thank ok okay well um er erm currently
now already bootcamp record recorded says say said would will can could should might may
one also been whole entire actually basically got get gotten like what which who when whose about into onto over
""".split()) - {"still", "recorded", "got"}
#: "still" and "got" carry meaning ("still learning", "got a job"); "recorded" too ("none recorded").

Polarity = int  # +1 or -1
Token = tuple[str, int]


def stem(word: str) -> str:
    """A rough stem, enough to make finished/finishing/finish, achieved/achieve, interviews/interview meet."""
    w = word
    for suffix in ("ing", "ed", "es", "s", "e"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix) and not (suffix == "s" and w.endswith("ss")):
            w = w[: -len(suffix)]
            break
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    return w


def _clauses(text: str) -> list[list[str]]:
    """Normalised words split into clauses (a negation reaches to the end of its clause)."""
    lowered = _PHRASES.sub("not", text.lower().replace("\u2019", "'").replace("'", ""))
    out = []
    for part in _BOUNDARY_PUNCT.split(lowered):
        words = normalise(part).split()
        expanded: list[str] = []
        for w in words:
            expanded += _CONTRACTIONS.get(w, w).split()
        clause: list[str] = []
        for w in expanded:
            if w in _BOUNDARY_WORDS:
                if clause:
                    out.append(clause)
                clause = []
            else:
                clause.append(w)
        if clause:
            out.append(clause)
    return out


#: After an opening "no", these start a new statement ("no they failed"), unlike "no event aim yet".
_SUBJECTS = frozenset({"they", "he", "she", "it", "its", "that", "thats", "this", "we", "i", "the", "there", "you"})
#: A first word that answers "no" whatever follows ("nope, different date").
NO_WORDS = frozenset({"no", "nope", "nah", "n"})


@functools.lru_cache(maxsize=16384)
def _clauses_cached(text: str) -> list[list[str]]:
    return _clauses(text)


@dataclass(frozen=True)
class Words:
    """A text read as stems with polarity."""

    tokens: frozenset[Token]
    first: str
    #: "or" joins alternatives ("interview or new role"): never read as one of them.
    either: bool = False


@functools.lru_cache(maxsize=16384)
def words(text: str, term: bool = False) -> Words:
    """``text`` as stems with polarity. For an option's ``term``, "no" is only a bare no ("none", "not yet")."""
    tokens: set[Token] = set()
    any_negator = False
    either = False
    first = ""
    for i, clause in enumerate(_clauses_cached(text)):
        polarity = 1
        for w in clause:
            if not first:
                first = w
            if w == "or":
                either = True
                continue
            if w in NEGATORS:
                any_negator = True
                if i == 0 and w == clause[0] and w in NO_WORDS and not term and len(clause) > 1 and \
                        clause[1] in _SUBJECTS:
                    continue  # "no they failed": the opening "no" answers, it does not negate "failed"
                polarity = -1
                continue
            if w in STOP or w.isdigit() or w in YES_WORDS or len(w) < 2:
                continue
            tokens.add((stem(w), polarity))
    positive = any(p > 0 for _, p in tokens)
    clauses = _clauses_cached(text)
    alone = bool(clauses) and len(clauses[0]) == 1
    if first in STRONG_YES or (first in YES_WORDS and alone):
        tokens.add(("<ans>", 1))
    elif term and any_negator and not tokens:
        # An option named by a bare no: "no", "none", "not yet", "nothing".
        tokens.add(("<ans>", -1))
    elif not term and ((any_negator and not positive) or first in NO_WORDS):
        # Wholly negative ("no interview yet", "they have not got a job"), or opening with "no": it says "no".
        tokens.add(("<ans>", -1))
    return Words(frozenset(tokens), first, either)


def same(a: str, b: str) -> bool:
    """Two stems are the same word, allowing one slip (two in long words): interveiw, finsihed, withdrawen."""
    if a == b:
        return True
    if a.startswith("<") or b.startswith("<") or min(len(a), len(b)) < 5 or a[0] != b[0]:
        return False
    if not (a.isalpha() and b.isalpha()):  # codes are exact: Z0059748 is not a slip of Z0059747
        return False
    for prefix in ("un", "in", "dis", "non", "im"):  # employed/unemployed are opposites, not a typo apart
        if a == prefix + b or b == prefix + a:
            return False
    return OSA.distance(a, b) <= (1 if max(len(a), len(b)) < 8 else 2)


@dataclass(frozen=True)
class Choice:
    """An option as the reader sees it: what it is called and the words that name it."""

    key: str
    label: str
    terms: tuple[str, ...] = ()
    number: int | None = None


@dataclass(frozen=True)
class Reading:
    kind: Literal["exact", "read", "ask", "none", "dont-know"]
    choices: tuple[Choice, ...] = ()
    #: Why nothing was read (for the message), e.g. "2021-22 is not one of the years here".
    note: str = ""

    @property
    def one(self) -> Choice | None:
        return self.choices[0] if self.kind in ("exact", "read") and self.choices else None


_OPTION_NO = re.compile(r"^(?:option|number|no|choice|answer|#)?\s*(\d{1,3})$")
_YEAR = re.compile(r"\b(?:20)?(\d\d)\s*(?:-|/|to|–)\s*(?:20)?(\d\d)\b|\b20(\d\d)(\d\d)\b")
_AIM_REF = re.compile(r"\bz\s?0*(\d{4,7})\b|\bzprog0*01\b", re.I)


def is_dont_know(text: str) -> bool:
    return _is_dont_know_norm(normalise(text))


def _vocab(c: Choice) -> set[Token]:
    out: set[Token] = set()
    for t in (c.label, *c.terms):
        out |= words(t, term=True).tokens
    return out


def _has(vocab: set[Token], tok: Token) -> bool:
    return any(p == tok[1] and same(s, tok[0]) for s, p in vocab)


def _years(text: str) -> set[str]:
    out = set()
    for m in _YEAR.finditer(text.lower()):
        a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if int(b) == int(a) + 1:
            out.add(f"20{a}-{b}")
    return out


def _aim_refs(text: str) -> set[str]:
    out = set()
    for m in _AIM_REF.finditer(text):
        out.add(PROGRAMME_AIM_REF if m.group(1) is None else "Z" + m.group(1).zfill(7))
    return out


_GLUED_CODE = re.compile(r"\b(cs|compstatus|oc|outcome|ffi|wr|withdrawreason)(\d{1,2})\b", re.IGNORECASE)


def read(text: str, choices: Sequence[Choice], *, codes: bool = False) -> Reading:
    """Which choice ``text`` means. ``codes``: the options are ILR codes, typed as codes (not positions)."""
    text = _GLUED_CODE.sub(r"\1 \2", text)  # "CS2", "OC3", "FFI1": a field's name and code typed as one word
    norm = normalise(text)
    if not norm:
        return Reading("none")
    if _is_dont_know_norm(norm):
        return Reading("dont-know")
    # 1. The label, value, a synonym or the option's number/code, exactly. Only the label, value, code or
    #    number is "exact"; a synonym is a reading like any other and is said back.
    named = [c for c in choices if any(normalise(t) == norm for t in (c.label, c.key, *c.terms))]
    named = list({c.key: c for c in named}.values())
    if len(named) == 1:
        own = any(normalise(t) == norm for t in (named[0].label, named[0].key))
        return Reading("exact" if own else "read", (named[0],))
    if len(named) > 1:
        return Reading("ask", tuple(named))
    m = _OPTION_NO.match(norm)
    if m:
        n = int(m.group(1))
        if codes:
            hit = [c for c in choices if c.key == str(n)]
            return Reading("exact", (hit[0],)) if hit else Reading("none", note=f"{n} is not one of the codes here")
        hit = [c for c in choices if c.number == n]
        return Reading("exact", (hit[0],)) if hit else Reading("none", note=f"there is no option {n} here")
    # 2. Things that look like values: a teaching year, an aim reference.
    years = _years(text)
    year_choices = [c for c in choices if re.fullmatch(r"20\d\d-\d\d", c.key)]
    if years and year_choices:
        hit = [c for c in year_choices if c.key in years]
        if len(hit) == 1 and len(years) == 1:
            return Reading("read", (hit[0],))
        return Reading("none", note=f"{', '.join(sorted(years))} is not one of the years here") if not hit else \
            Reading("ask", tuple(hit))
    refs = _aim_refs(text)
    if refs:
        hit = [c for c in choices if c.key.upper() in refs or any(normalise(t).upper() in refs for t in c.terms)]
        hit = list({c.key: c for c in hit}.values())
        if len(hit) == 1 and len(refs) == 1:
            return Reading("read", (hit[0],))
        if hit:
            return Reading("ask", tuple(hit))
    # 3. A code in a short answer ("CompStatus 2", "it's 8", "outcome is 1").
    if codes:
        # Digits as typed: "this one" is not code 1 (a whole answer "one" was read above).
        numbers = [w for w in norm.split() if w.isdecimal() and re.search(rf"(?<!\d){w}(?!\d)", text)]
        if len(numbers) == 1 and len(norm.split()) <= 5:
            hit = [c for c in choices if c.key == str(int(numbers[0]))]
            if not hit:
                return Reading("none", note=f"{numbers[0]} is not one of the codes here")
            rest = _words_reading(text, choices)
            if rest.kind in ("read",) and rest.choices[0].key != hit[0].key:
                return Reading("ask", (hit[0], rest.choices[0]))
            return Reading("read", (hit[0],))
    return _words_reading(text, choices)


#: The best option must score at least this many times the next one to be read without asking.
LEAD = 2.0
#: An answer of this many meaningful words must have at least this share naming the option it is read as.
MANY_WORDS = 5
COVERAGE = 0.34
#: And at least this much (a word found in one option of many weighs about 0.7 to 1.4).
FLOOR = 0.25


def _words_reading(text: str, choices: Sequence[Choice]) -> Reading:
    heard = words(text)
    said = heard.tokens
    if not said:
        return Reading("none")
    vocabs = {c.key: _vocab(c) for c in choices}
    n = len(choices)

    def df(tok: Token) -> int:
        return sum(1 for v in vocabs.values() if _has(v, tok))

    def weight(tok: Token) -> float:
        d = df(tok)
        return 0.0 if d == 0 or d == n else math.log(n / d)

    scores: dict[str, float] = {}
    ruled_out: set[str] = set()
    for c in choices:
        v = vocabs[c.key]
        s = 0.0
        for tok in said:
            if _has(v, tok):
                s += weight(tok)
            elif _has(v, (tok[0], -tok[1])) and df((tok[0], -tok[1])) * 2 <= n:
                # The answer says the opposite of a word that marks this option out ("not co-funded").
                ruled_out.add(c.key)
        scores[c.key] = s
    if heard.either:
        named = sorted((c for c in choices if scores[c.key] > 0), key=lambda c: -scores[c.key])
        if len(named) > 1:
            return Reading("ask", tuple(named[:4]))
    alive = sorted((c for c in choices if scores[c.key] > 0 and c.key not in ruled_out), key=lambda c: -scores[c.key])
    if not alive:
        rest = [c for c in choices if c.key not in ruled_out]
        if ruled_out and len(rest) == 1:
            return Reading("ask", (rest[0],))
        return Reading("none")
    best = scores[alive[0].key]
    if best < FLOOR:
        return Reading("ask", tuple(alive[:4]))
    close = [c for c in alive[1:] if scores[c.key] * LEAD > best or heard.either]
    if close:
        return Reading("ask", (alive[0], *close))
    # A long answer of which only a word or two names the option (a pasted sentence) is asked about.
    hits = sum(1 for tok in said if _has(vocabs[alive[0].key], tok))
    if len(said) >= MANY_WORDS and hits / len(said) < COVERAGE:
        return Reading("ask", (alive[0],))
    return Reading("read", (alive[0],))


#: Commands work at every question, dates included (`dates.parse_date` lets them through too).
COMMAND_WORDS = ("back", "change", "restart", "why", "sources", "help", "quit", "answers", "explain")
QUIT_WORDS = ("quit", "exit", "bye", "stop")


def is_command(text: str) -> bool:
    """A command (with or without its argument): `why`, `change start date`, `explain Outcome 8`, `?`."""
    t = text.strip().lstrip("/").strip()
    if t == "?":
        return True
    word = t.split(" ", 1)[0].lower().rstrip("?!.:") if t else ""
    return word in COMMAND_WORDS or word in QUIT_WORDS or word == "review" or \
        t.lower().startswith(("what is ", "what's ", "what does "))
