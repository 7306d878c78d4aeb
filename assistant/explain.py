"""`ilr-assistant explain TERM`: a field, a code, an aim reference, a rule or an error message.

Words come from `knowledge/glossary.yaml` (fields, codes, aims, terms) and
the rule catalogue (`knowledge/rules.yaml`, official messages). A pasted
error message is matched fuzzily against the official messages because
users copy them from the funding service with ids, pipes and values around
them ("R141 ProgType=XX|AimType=X|…"). Every answer shows its sources with
their evidence grade.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz

from .ilr.vocabulary import HGV_EVENT_AIMS, aim_words
from .knowledge_loader import Knowledge, KnowledgeError, knowledge_or_shipped, line_of, load_yaml
from .dialogue.matching import Candidate, match, normalise, suggest
from .rules.catalogue import RuleText

SECTIONS = ("fields", "aims", "terms")
ENTRY_KEYS = {"title", "synonyms", "text", "codes", "sources"}
GRADE_WORDS = {
    "official": "official",
    "forum-confirmed": "forum-confirmed",
    "vendor": "vendor",
    "inference": "inference (our own reading)",
}


@dataclass(frozen=True)
class GlossaryEntry:
    key: str
    section: str
    title: str
    text: str
    synonyms: tuple[str, ...] = ()
    codes: dict[str, tuple[str, str]] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    line: int | None = None


def glossary_problems(kb: Knowledge | None = None) -> tuple[dict[str, GlossaryEntry], list[KnowledgeError]]:
    """Load the glossary and list every problem (unknown keys, sources, missing text)."""
    from .rules.catalogue import sources

    name = "knowledge/glossary.yaml"
    problems: list[KnowledgeError] = []
    try:
        kb = knowledge_or_shipped(kb)
        data = load_yaml(kb.path("glossary.yaml"))
        known = set(sources(kb))
    except KnowledgeError as exc:
        return {}, [exc]
    out: dict[str, GlossaryEntry] = {}
    if not isinstance(data, dict):
        return {}, [KnowledgeError(name, "(top)", "should be a mapping with fields, aims and terms")]
    for section in data:
        if section not in SECTIONS:
            problems.append(KnowledgeError(name, str(section), f"unknown section (expected {', '.join(SECTIONS)})", line_of(data)))
    for section in SECTIONS:
        for key, raw in (data.get(section) or {}).items():
            where = f"{section}.{key}"
            if not isinstance(raw, dict):
                problems.append(KnowledgeError(name, where, "should be a mapping", None))
                continue
            line = line_of(raw)
            for k in raw:
                if k not in ENTRY_KEYS:
                    problems.append(KnowledgeError(name, f"{where}.{k}", f"unknown key (expected {', '.join(sorted(ENTRY_KEYS))})", line))
            if not raw.get("title") or not raw.get("text"):
                problems.append(KnowledgeError(name, where, "needs a title and a text", line))
                continue
            srcs = tuple(str(s) for s in raw.get("sources") or ())
            if not srcs:
                problems.append(KnowledgeError(name, f"{where}.sources", "must list at least one source", line))
            for s in srcs:
                if s not in known:
                    problems.append(KnowledgeError(name, f"{where}.sources", f"unknown source '{s}' (not in knowledge/sources.yaml)", line))
            codes = {}
            for code, c in (raw.get("codes") or {}).items():
                if not isinstance(c, dict) or not c.get("label"):
                    problems.append(KnowledgeError(name, f"{where}.codes.{code}", "needs a label", line))
                    continue
                codes[str(code)] = (str(c["label"]), str(c.get("text") or "").strip())
            if key in out:
                problems.append(KnowledgeError(name, where, "is defined twice", line))
            out[str(key)] = GlossaryEntry(str(key), section, str(raw["title"]), str(raw["text"]).strip(),
                                          tuple(str(s) for s in raw.get("synonyms") or ()), codes, srcs, line)
    return out, problems


def glossary(kb: Knowledge | None = None) -> dict[str, GlossaryEntry]:
    return knowledge_or_shipped(kb).memo("glossary", _build_glossary)


def _build_glossary(kb: Knowledge) -> dict[str, GlossaryEntry]:
    found, problems = glossary_problems(kb)
    if problems:
        raise problems[0]
    return found


@dataclass(frozen=True)
class Item:
    """One thing a term can mean: ``field:CompStatus``, ``code:Outcome:8``, ``aim:ZPROG001``, ``rule:R_138``."""

    key: str
    title: str


@dataclass(frozen=True)
class Found:
    kind: Literal["one", "several", "none"]
    items: tuple[Item, ...] = ()


def _candidates(kb: Knowledge | None = None) -> tuple[Candidate, ...]:
    return knowledge_or_shipped(kb).memo("glossary-candidates", _build_candidates)


def _build_candidates(kb: Knowledge) -> tuple[Candidate, ...]:
    from .rules.catalogue import catalogue

    out: list[Candidate] = []
    for key, g in glossary(kb).items():
        prefix = {"fields": "field", "aims": "aim", "terms": "term"}[g.section]
        out.append(Candidate(f"{prefix}:{key}", key, (g.title, *g.synonyms)))
        for code, (label, _) in g.codes.items():
            names = (key, *g.synonyms)  # every name a field goes by: "CS 6", "FM 37"
            terms = tuple(f"{n} {code}" for n in names) + tuple(f"{n} code {code}" for n in names) + (f"{key}={code}",)
            out.append(Candidate(f"code:{key}:{code}", f"{key} {code}", terms + (f"{key} {code} {label}",)))
    for rid in catalogue(kb):
        out.append(Candidate(f"rule:{rid}", rid, (rid.replace("_", " "), rid.replace("_", ""))))
    return tuple(out)


def glossary_candidates() -> list[Candidate]:
    """Terms for completion lists: fields, codes, aims, terms, rule ids."""
    return list(_candidates())


_RULE_TOKEN = re.compile(r"\b([A-Za-z]+_?\d{1,3}[A-Za-z]?)\b")


def find_rules_by_text(text: str) -> list[RuleText]:
    """Rules meant by a typed id or a pasted error message, best first (several when messages are shared)."""
    from .rules.catalogue import catalogue, find_rule

    t = text.strip()
    if not t:
        return []
    exact = find_rule(t)
    if exact is not None:
        return [exact]
    ids = []
    for token in _RULE_TOKEN.findall(t):
        r = find_rule(token)
        if r is not None and r not in ids:
            ids.append(r)
    # "Rule Name R141" / "R141 ProgType=XX|…": an id inside the pasted text wins.
    if ids:
        return ids
    if len(t) < 12:
        return []
    words = normalise(t)
    scored = []
    for r in catalogue().values():
        msg = normalise(r.message)
        # Character-level, so "must not be returned" and "must be returned" stay apart.
        s = fuzz.ratio(words, msg)
        if len(words) > len(msg):  # the message pasted with ids, pipes and values around it
            s = max(s, fuzz.partial_ratio(msg, words) * 0.98)
        elif len(words) >= 20 and msg.startswith(words):  # a message cut off at its end: as strong as one with
            s = max(s, 98.0)                               # text around it ("… is not valid for" is _04 or _06)
        elif len(words) >= 20:     # part of a message
            s = max(s, fuzz.partial_ratio(words, msg) * 0.95)
        scored.append((s, r))
    scored.sort(key=lambda p: -p[0])
    if not scored or scored[0][0] < 82:
        return []
    best = scored[0][0]
    margin = 0.0 if best >= 99.9 else 2.0  # an exact message names its rules only (shared messages: several)
    return [r for s, r in scored if best - s <= margin]


def rule_choice_label(r: RuleText, among: list[RuleText]) -> str:
    """How to offer one of several rules a paste could mean, so a person can tell them apart.

    DfE gives several rules one message ("The Completion status is not valid for this Outcome" is
    CompStatus_05, CompStatus_06, Outcome_09 and Outcome_10): offering the message four times would leave
    only the ids to choose by, so a shared message is replaced by the first sentence of what the rule checks.
    """
    if sum(1 for o in among if o.message == r.message) < 2:
        return f"{r.id}: {r.message}"
    first = re.split(r"(?<=[.;])\s", r.explanation.strip(), maxsplit=1)[0].rstrip(".;")
    return f"{r.id}: {first}" + (" (bootcamps are excluded)" if r.exempt and "bootcamp" not in first.lower() else "")


def shared_message(rules: list[RuleText]) -> str:
    """The rules one pasted message could be, told apart, and how to ask about one."""
    shown = rules[:8]
    listed = "\n".join(f"- {rule_choice_label(r, shown)}" for r in shown)
    return (f"That message is shared by {len(rules)} rules:\n\n{listed}\n\nAsk about one of them by id "
            f"(for example `explain {shown[-1].id}`).")


#: "the difference between Outcome 8 and 3", "Outcome 8 vs Outcome 3", "compare CompStatus 3 and 6".
_COMPARE = re.compile(r"^(?:(?:what(?:'s| is)\s+)?(?:the\s+)?difference\s+between|compare)\s+(?P<a>.+?)"
                      r"\s+(?:and|vs\.?|versus|with)\s+(?P<b>.+)$|^(?P<a2>.+?)\s+(?:vs\.?|versus)\s+(?P<b2>.+)$", re.I)


def compared_codes(term: str) -> tuple[str, str, str] | None:
    """(field, code, code) when the term asks how two codes of one field differ ("Outcome 8 and 3").

    Explaining only the field, or only the first code, answers half the question; the second code may be
    given bare ("Outcome 8 and 3") and then belongs to the first one's field.
    """
    m = _COMPARE.match(term.strip().strip("`'\"?").strip())
    if not m:
        return None
    a, b = (m.group("a") or m.group("a2")).strip(), (m.group("b") or m.group("b2")).strip()
    first = lookup(a)
    if first.kind != "one" or not first.items[0].key.startswith("code:"):
        return None
    name, _, code_a = first.items[0].key[len("code:"):].partition(":")
    code_b = b if b.isdigit() else None
    if code_b is None:
        second = lookup(b)
        if second.kind != "one" or not second.items[0].key.startswith(f"code:{name}:"):
            return None
        code_b = second.items[0].key.rpartition(":")[2]
    if code_b == code_a or code_b not in glossary()[name].codes:
        return None
    return name, code_a, code_b


def lookup(term: str) -> Found:
    """What a term means among fields, codes, aims, terms and rule ids."""
    t = term.strip().strip("`'\"?")
    if not t:
        return Found("none")
    compared = compared_codes(t)
    if compared is not None:
        name, a, b = compared
        return Found("one", (Item(f"compare:{name}:{a}:{b}", f"{name} {a} and {name} {b}"),))
    upper = t.upper().replace(" ", "")
    if upper in HGV_EVENT_AIMS:
        # One glossary entry covers all six; the heading names the one asked about.
        return Found("one", (Item(f"hgv:{upper}", f"{upper} ({aim_words(upper, None)})"),))
    m = re.fullmatch(r"Z(\d{1,7})", upper)
    if m:
        padded = "Z" + m.group(1).zfill(7)
        if f"aim:{padded}" in {c.key for c in _candidates()}:
            return Found("one", (Item(f"aim:{padded}", padded),))
    result = match(t, _candidates())
    if result.kind in ("exact", "close"):
        c = result.candidates[0]
        return Found("one", (Item(c.key, c.label),))
    if result.kind == "ambiguous":
        # "compstaus" is as near CompStatus as "CompStatus 1".."6" (their names start with it); with no code
        # typed, the field is meant, and its entry lists the codes (the heading says which entry was read).
        fields = [c for c in result.candidates if c.key.startswith("field:")]
        if (len(fields) == 1 and not any(ch.isdigit() for ch in t)
                and all(c is fields[0] or c.key.startswith(f"code:{fields[0].label}:") for c in result.candidates)):
            return Found("one", (Item(fields[0].key, fields[0].label),))
        return Found("several", tuple(Item(c.key, c.label) for c in result.candidates))
    return Found("none")


_CODE_ASKED = re.compile(r"^(?P<field>.+?)\s*(?:\s+code\s*|\s*=\s*|\s+)(?P<code>\d{1,3})$", re.I)


def unheld_code(term: str) -> tuple[str, str] | None:
    """(field, code) when the term asks about a code the glossary does not hold ("Outcome 5", "SOF 107").

    The field is found, but not that code: saying the field's entry alone would read as an answer about the
    code. The glossary holds the bootcamp codes only (SOF 105, not SOF's other codes), so this says "not held",
    never "not valid", and never gives the code a meaning.
    """
    m = _CODE_ASKED.match(term.strip().strip("`'\"?").strip())
    if not m:
        return None
    found = lookup(m.group("field"))
    if found.kind != "one" or not found.items[0].key.startswith("field:"):
        return None
    name = found.items[0].key.partition(":")[2]
    g = glossary().get(name)
    if g is None or not g.codes or m.group("code") in g.codes:
        return None
    return name, m.group("code")


def _sources_block(ids: tuple[str, ...]) -> str:
    from .rules.catalogue import sources

    known = sources()
    lines = []
    for sid in ids:
        s = known.get(sid)
        if s is not None:
            lines.append(f"- {s.title} — *{GRADE_WORDS.get(s.grade, s.grade)}*" + (f" <{s.url}>" if s.url else ""))
    return "**Sources:**\n\n" + "\n".join(lines) if lines else ""


def explain_key(key: str) -> str:
    """The explanation for one looked-up item key."""
    from .rules.catalogue import catalogue

    kind, _, rest = key.partition(":")
    if kind == "rule":
        r = catalogue()[rest]
        parts = [f"**{r.id}** ({r.severity}, {r.years_text()})", f"Official message: “{r.message}”"]
        if r.message_note:
            parts.append(f"*Note on the wording:* {r.message_note}")
        if r.unchecked:
            from .rules.catalogue import UNCHECKED_NEEDS

            parts.append(f"**Not checked by this tool:** DfE applies it to bootcamp records, but it needs "
                         f"{UNCHECKED_NEEDS[r.unchecked]}, which this tool does not hold. A person must check it in "
                         "DfE's validation report for the file.")
        if r.exempt:
            parts.append("Skills Bootcamps are excluded from this rule: it never fires on a bootcamp aim. If the funding "
                         "service reported it on an aim you took for a bootcamp aim, that aim is not recorded as one: "
                         "check it has FundModel 37 and ProgType 32.")
        parts.append(f"**What it means for a bootcamp:** {r.explanation}")
        parts.append(rule_history(r))
        lines = []
        if r.page is not None:
            lines.append(f"- {r.page.title} — *official* <{r.page.url}>")
        for s in r.sources:
            lines.append(f"- {s.title} — *{GRADE_WORDS.get(s.grade, s.grade)}*" + (f" <{s.url}>" if s.url else ""))
        parts.append("**Sources:**\n\n" + "\n".join(lines))
        return "\n\n".join(parts)
    if kind == "code":
        name, _, code = rest.partition(":")
        g = glossary()[name]
        label, text = g.codes[code]
        parts = [f"**{name} {code}** — {label}"]
        if text:
            parts.append(text)
        others = "; ".join(f"{c} {lbl}" for c, (lbl, _) in g.codes.items() if c != code)
        title = name if g.title == name else f"{name} ({g.title})"
        parts.append(f"*{title}:* {g.text}" + (f" Other codes: {others}." if others else ""))
        parts.append(_sources_block(g.sources))
        return "\n\n".join(p for p in parts if p)
    if kind == "compare":
        name, _, codes = rest.partition(":")
        g = glossary()[name]
        parts = []
        for code in codes.split(":"):
            label, text = g.codes[code]
            parts.append(f"**{name} {code}** — {label}" + (f"\n\n{text}" if text else ""))
        title = name if g.title == name else f"{name} ({g.title})"
        others = "; ".join(f"{c} {lbl}" for c, (lbl, _) in g.codes.items() if c not in codes.split(":"))
        parts.append(f"*{title}:* {g.text}" + (f" Other codes: {others}." if others else ""))
        parts.append(_sources_block(g.sources))
        return "\n\n".join(p for p in parts if p)
    if kind == "unheld":
        name, _, code = rest.partition(":")
        g = glossary()[name]
        note = (f"I hold no entry for {name} {code} (codes held here: {', '.join(g.codes)}), so I won't guess what "
                f"it means: the ILR specification for the year lists every code. Here is what I hold on {name}:")
        return note + "\n\n" + explain_key(f"field:{name}")
    if kind == "hgv":
        g = glossary()["Z0060439"]
        parts = [f"**{rest}** — {g.title}", g.text, _sources_block(g.sources)]
        return "\n\n".join(p for p in parts if p)
    g = glossary()[rest]
    parts = [f"**{g.key}** — {g.title}", g.text]
    if g.codes:
        parts.append("Codes:\n\n" + "\n".join(f"- `{c}` {lbl}" for c, (lbl, _) in g.codes.items()))
    parts.append(_sources_block(g.sources))
    return "\n\n".join(p for p in parts if p)


def rule_history(r: RuleText) -> str:
    """The rule across the teaching years held: page or not, version, status, what changed, grade."""
    from datetime import date

    from .ilr.years import held_years, year_facts
    from .rules.base import Context
    from .rules.evidence import evidence

    lines = []
    previous: str | None = None
    for year in held_years():
        y = year_facts(year)
        page = y.page(r.id)
        ctx = Context(year, date.min)
        note = r.year_notes.get(year)
        if r.id in ("Schema", "Normalised"):
            held = f"XSD {y.xsd}" if y.xsd else "no XSD held"
            lines.append(f"- **{year}**: {held}" + (f" — {note}" if note else ""))
            continue
        if not r.applies_in(ctx):
            text = "does not apply to bootcamps in this year" if year > r.since else "not in force yet for bootcamps"
            if page is not None:
                text += f" (DfE {year}: version {page.version or '?'}, {page.status or '?'})"
            lines.append(f"- **{year}**: {text}" + (f" — {note}" if note else ""))
            continue
        if page is not None and not page.exists:
            lines.append(f"- **{year}**: deleted (DfE {year}, <{y.page_url(r.id)}>)")
            continue
        if r.unchecked:
            held = (f" (DfE {year}: version {page.version or '?'}, {page.status or '?'}, <{y.page_url(r.id)}>)"
                    if page is not None else "")
            lines.append(f"- **{year}**: not checked here (needs {r.unchecked}){held}")
            continue
        ev = evidence(r.id, r.grade, year, note)
        if page is None:
            lines.append(f"- **{year}**: page not held — runs as *{GRADE_WORDS['inference']}*: {ev.note}")
            continue
        bits = [f"version {page.version}" if page.version else None, page.status, page.severity]
        head = ", ".join(b for b in bits if b)
        cond = (page.condition or "").strip()
        changed = cond and previous is not None and cond != previous
        text = f"- **{year}** ({head}, *official*, {page.source}): "
        if r.excludes_bootcamps(year):
            text += ("Skills Bootcamps (FundModel 37 and ProgType 32) are excluded this year; it still fires on an "
                     "aim with only one of the two. ")
        text += (f"{'changed: ' if changed else ''}{cond}" if cond else "as listed")
        if page.exclusions:
            text += f" Exclusions: {page.exclusions}"
        if page.change:
            text += f" ({page.change})"
        if note:
            text += f" — {note}"
        lines.append(text + f" <{y.page_url(r.id)}>")
        previous = cond or previous
    return "**By teaching year (what is held):**\n\n" + "\n".join(lines)


def explain(term: str) -> str:
    """Markdown explaining a term; never raises, and says what it accepts when it finds nothing."""
    try:
        return _explain(term)
    except KnowledgeError as exc:
        return f"The knowledge files have a problem: {exc}"


def explain_or_raise(term: str) -> str:
    """As `explain`, but a knowledge problem raises KnowledgeError (the command line exits 2 on it)."""
    return _explain(term)


def _explain(term: str) -> str:
    t = term.strip()
    if not t:
        return "Give me something to explain: a field (CompStatus), a code (Outcome 8), an aim reference (ZPROG001), a rule id (R_138) or an error message."
    # A term named exactly as the glossary names it ("The bootcamp programme aim", "full or co-funding
    # indicator") is that entry: fuzzy message matching would otherwise read it as part of a rule's message.
    compared = compared_codes(t)
    if compared is not None:
        return explain_key("compare:" + ":".join(compared))
    said = normalise(t.strip("`'\"?"))
    named = [c for c in _candidates() if not c.key.startswith("rule:")
             and any(normalise(x) == said for x in (c.label, *c.terms))]
    if len(named) == 1:
        return explain_key(named[0].key)
    rules = find_rules_by_text(t)
    unheld = unheld_code(t) if not rules else None
    if unheld is not None:
        return explain_key(f"unheld:{unheld[0]}:{unheld[1]}")
    found = lookup(t)
    if len(rules) > 1 and len(t) >= 25:
        found = Found("none")
    if len(rules) == 1 and (found.kind != "one" or found.items[0].key.startswith("rule:") or len(t) >= 25):
        return explain_key(f"rule:{rules[0].id}")
    if found.kind == "one":
        return explain_key(found.items[0].key)
    if len(rules) > 1:
        return shared_message(rules)
    if found.kind == "several":
        listed = "\n".join(f"- {i.title}" for i in found.items[:8])
        return f"'{t}' could mean several things; which one?\n\n{listed}"
    near = suggest(t, _candidates(), limit=5)
    hint = ("\n\nDid you mean: " + ", ".join(c.label for c in near) + "?") if near else ""
    return (f"I don't know '{t}'. I can explain a field (CompStatus), a code (Outcome 8), an aim reference "
            f"(ZPROG001, Z0059747), a rule id (R_138) or an official error message." + hint)
