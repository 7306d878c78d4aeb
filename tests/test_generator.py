"""benchmarks/make_ilr.py: schema-valid synthetic files, and every planted mistake is found.

The generator records what it planted (state, method, mistake, the rules that
must fire and the milestone statuses expected) without importing the
assistant, so these tests check the assistant against domain.md, not against
itself.
"""

from __future__ import annotations

import io
import json
import sys
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from assistant.advice.engine import diagnose_learner
from assistant.ilr.stream import iter_learners
from assistant.rules.base import Context

from .conftest import ROOT, SCHEMAS

sys.path.insert(0, str(ROOT / "benchmarks"))
import make_ilr  # noqa: E402  (benchmarks/ is scripts, not a package)

XSD = {"2024-25": "ILR-2024-25-schemafile24.xsd", "2025-26": "ILR-2025-26-schemafile25.xsd"}
#: Enough bootcamp learners for every state and every mistake of the year to appear.
SIZES = {"2024-25": 130, "2025-26": 220}


@pytest.fixture(scope="module", params=["2024-25", "2025-26"])
def made(request, tmp_path_factory):
    year = request.param
    path = tmp_path_factory.mktemp("gen") / f"ILR-{year}.xml"
    with open(path, "w", encoding="utf-8") as out:
        planted = make_ilr.generate(SIZES[year], year, 11, out, bootcamp_share=0.5)
    return year, path, planted


def test_the_file_validates_against_the_years_xsd(made):
    year, path, _ = made
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / XSD[year])))
    doc = etree.parse(str(path))
    assert schema.validate(doc), [str(e) for e in list(schema.error_log)[:5]]


def test_every_state_and_every_mistake_is_planted(made):
    year, _, planted = made
    entries = planted["planted"].values()
    for method in make_ilr.methods_for(year):
        states = {p["state"] for p in entries if p["method"] == method and p["clean"]}
        assert states == set(make_ilr.states_for(year, method))
        mistakes = {p["mistake"] for p in entries if p["method"] == method and not p["clean"]}
        assert mistakes == set(make_ilr.mistakes_for(year, method))
    assert planted["bootcamp_learners"] == round(SIZES[year] * 0.5)


def test_every_planted_mistake_is_found_and_every_clean_record_stays_clean(made):
    year, path, planted = made
    expected = planted["planted"]
    stream = iter_learners(path)
    seen = Counter()
    for learner in stream:
        ctx = Context(stream.info.year, stream.info.file_preparation_date)
        dg = diagnose_learner(learner, ctx)
        p = expected[learner.learn_ref]
        fired = {f.rule for f in dg.findings}
        status = {name: m.status for name, m in dg.programmes[0].milestones.items()}
        where = f"{learner.learn_ref} ({p['state']}, {p['method']}, {p['mistake']})"
        if p["clean"]:
            assert dg.findings == [], where
            assert dg.proposal.changes == (), where
            assert list(dg.proposal.states.values()) == [p["state"]], where
        else:
            assert set(p["rules"]) <= fired, f"{where}: expected {p['rules']}, found {sorted(fired)}"
            blocked = any(m.status == "blocked" for prog in dg.programmes for m in prog.milestones.values())
            assert dg.has_findings or dg.proposal.questions or blocked, where
        for name, want in p["milestones"].items():
            assert status[name] == want, f"{where}: {name} is {status[name]}, planted {want}"
        assert dg.introduced == [], where
        seen["clean" if p["clean"] else "mistake"] += 1
    assert sum(seen.values()) == len(expected)
    assert stream.stats.learners_read == SIZES[year]


def test_non_bootcamp_learners_have_nothing_to_report(made):
    year, path, planted = made
    everyone = iter_learners(path, bootcamp_only=False)
    others = [x for x in everyone if not x.is_bootcamp_learner]
    assert len(others) == SIZES[year] - planted["bootcamp_learners"]
    assert {d.fund_model for x in others for d in x.deliveries} >= {"35", "25", "36"}


def test_no_real_data(made):
    year, path, _ = made
    root = etree.parse(str(path)).getroot()
    ns = {"i": f"ESFA/ILR/{year}"}
    assert set(root.xpath("//i:ULN/text()", namespaces=ns)) == {"9999999999"}
    assert set(root.xpath("//i:GivenNames/text()", namespaces=ns)) == {"Test"}
    assert all(n.startswith("Learner ") for n in root.xpath("//i:FamilyName/text()", namespaces=ns))
    postcodes = root.xpath("//i:Postcode/text() | //i:PostcodePrior/text() | //i:DelLocPostCode/text()", namespaces=ns)
    assert postcodes and all(p.startswith("ZZ99 ") for p in postcodes)
    assert set(root.xpath("//i:UKPRN/text()", namespaces=ns)) == {"99999999"}
    assert not root.xpath("//i:NINumber | //i:Email | //i:TelNo", namespaces=ns)


def test_same_seed_same_file_other_seed_other_file():
    def make(seed: int) -> str:
        buf = io.StringIO()
        make_ilr.generate(40, "2024-25", seed, buf)
        return buf.getvalue()

    assert make(5) == make(5)
    assert make(5) != make(6)


def test_command_line_writes_file_and_sidecar(tmp_path: Path):
    out = tmp_path / "small.xml"
    assert make_ilr.main(["60", "--year", "2025-26", "--seed", "3", "-o", str(out)]) == 0
    sidecar = json.loads((tmp_path / "small.xml.planted.json").read_text())
    assert sidecar["learners"] == 60 and sidecar["year"] == "2025-26" and sidecar["seed"] == 3
    assert sidecar["bootcamp_learners"] == 6
    assert out.read_text().count("<Learner>") == 60
    assert not list(tmp_path.glob("*.partial"))


def test_command_line_refuses_nonsense(tmp_path: Path):
    with pytest.raises(SystemExit):
        make_ilr.main(["0", "-o", str(tmp_path / "x.xml")])
    with pytest.raises(SystemExit):
        make_ilr.main(["10", "--year", "2019-20", "-o", str(tmp_path / "x.xml")])
    assert not list(tmp_path.iterdir())


def test_letters_are_unique_and_have_no_digits():
    names = [make_ilr.letters(i) for i in range(2000)]
    assert len(set(names)) == 2000
    assert all(n.isalpha() and n.isupper() for n in names)
