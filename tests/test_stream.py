"""The streaming reader gives the same learners as the whole-tree reader, in bounded steps.

Small generated files only; flat memory at 100,000 learners is measured by
benchmarks/bench_diagnose.py, not asserted here.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.ilr.reader import read_path, read_text
from assistant.ilr.guard import InputError
from assistant.ilr.builder import learner_from_element
from assistant.ilr.stream import LearnerStream, bootcamp_code, has_bootcamp_code, iter_learners
from assistant.ilr.source import is_whole_file, read_prolog

from .conftest import ROOT, SAMPLES

sys.path.insert(0, str(ROOT / "benchmarks"))
import make_ilr  # noqa: E402  (benchmarks/ is scripts, not a package)


def generated(tmp_path: Path, n: int = 150, year: str = "2024-25", seed: int = 7, share: float = 0.3) -> Path:
    path = tmp_path / f"ILR-{year}-{seed}.xml"
    with open(path, "w", encoding="utf-8") as out:
        make_ilr.generate(n, year, seed, out, bootcamp_share=share)
    return path


@pytest.fixture(scope="module")
def small_file(tmp_path_factory) -> Path:
    return generated(tmp_path_factory.mktemp("stream"))


# -- the same learners as the reader -------------------------------------------------

def test_all_learners_equal_the_whole_tree_reader(small_file: Path):
    whole = read_path(str(small_file))
    stream = iter_learners(small_file, bootcamp_only=False)
    streamed = list(stream)
    assert streamed == whole.learners
    assert [x.line for x in streamed] == [x.line for x in whole.learners]
    assert stream.stats.learners_read == 150 == stream.stats.learners_yielded


def test_bootcamp_only_yields_exactly_the_bootcamp_learners(small_file: Path):
    whole = read_path(str(small_file))
    stream = iter_learners(small_file)
    streamed = list(stream)
    expected = [x for x in whole.learners if x.is_bootcamp_learner]
    assert streamed == expected
    assert len(expected) == 45  # 30% of 150
    assert stream.stats.learners_read == 150
    assert stream.stats.learners_yielded == 45


def test_header_is_read_before_the_first_learner(small_file: Path):
    stream = iter_learners(small_file)
    it = iter(stream)
    assert stream.info.seen is False
    next(it)
    assert stream.info.seen
    assert stream.info.year == "2024-25"
    assert stream.info.year_source == "namespace"
    assert stream.info.file_preparation_date.isoformat() == "2025-06-06"
    assert stream.info.namespace == "ESFA/ILR/2024-25"


def test_year_option_wins_over_the_file(small_file: Path):
    stream = iter_learners(small_file, year="2025-26")
    list(stream)
    assert (stream.info.year, stream.info.year_source) == ("2025-26", "option")


@pytest.mark.parametrize("name", ["ILR-99999999-2526-20250108-094401.xml", "ILR-90000064-1718-20180409-102223-01.xml",
                                  "ILR_Valid-1819.xml"])
def test_public_samples_stream_like_they_read(name: str):
    """DfE's own samples: comments inside learners, mixed namespaces (1718), FIS SourceFiles."""
    path = SAMPLES / name
    whole = read_path(str(path))
    stream = iter_learners(path, bootcamp_only=False)
    assert list(stream) == whole.learners
    assert stream.info.year == whole.year
    assert stream.info.file_preparation_date == whole.file_preparation_date
    boot = list(iter_learners(path))
    assert boot == [x for x in whole.learners if x.is_bootcamp_learner]


def test_2025_26_sample_has_its_two_bootcamp_learners():
    refs = [x.learn_ref for x in iter_learners(SAMPLES / "ILR-99999999-2526-20250108-094401.xml")]
    assert refs == ["SBLearner", "SBLearnerEV"]


def learner_xml(ref: str, fund_model: str = "35", prog_type: str | None = None, fam: str | None = None) -> str:
    pt = f"<ProgType>{prog_type}</ProgType>" if prog_type is not None else ""
    fams = f"<LearningDeliveryFAM><LearnDelFAMType>{fam}</LearnDelFAMType><LearnDelFAMCode>4</LearnDelFAMCode></LearningDeliveryFAM>" if fam else ""
    return (f"<Learner><LearnRefNumber>{ref}</LearnRefNumber><LearningDelivery><LearnAimRef>ZPROG001</LearnAimRef>"
            f"<AimType>1</AimType><AimSeqNumber>1</AimSeqNumber><LearnStartDate>2024-09-02</LearnStartDate>"
            f"<FundModel>{fund_model}</FundModel>{pt}<CompStatus>1</CompStatus>{fams}</LearningDelivery></Learner>\n")


def message(*learners: str, ns: str | None = "ESFA/ILR/2024-25", header: bool = True) -> bytes:
    xmlns = f' xmlns="{ns}"' if ns else ""
    head = ("<Header><CollectionDetails><Collection>ILR</Collection><Year>2425</Year>"
            "<FilePreparationDate>2025-03-31</FilePreparationDate></CollectionDetails></Header>\n") if header else ""
    return (f"<Message{xmlns}>\n{head}" + "".join(learners) + "</Message>\n").encode()


def test_the_cheap_test_reads_codes_as_the_model_does():
    data = message(
        learner_xml("PLAIN37", "37"), learner_xml("ZERO37", "037"), learner_xml("SPACE37", " 37 "),
        learner_xml("PLUS37", "+37"), learner_xml("PT32", "99", "32"), learner_xml("PT032", "99", "032"),
        learner_xml("FM35"), learner_xml("BADFM", "3x7"), learner_xml("PT37", "35", "37"),
        learner_xml("EVIONLY", "35", "2", fam="EVI"),
    )
    whole = read_text(data)
    expected = [x.learn_ref for x in whole.learners if x.is_bootcamp_learner]
    assert expected == ["PLAIN37", "ZERO37", "SPACE37", "PLUS37", "PT32", "PT032"]
    assert [x.learn_ref for x in iter_learners(io.BytesIO(data))] == expected


def test_the_cheap_test_never_skips_a_bootcamp_learner(small_file: Path):
    """has_bootcamp_code may say yes too often (the model then decides), never no wrongly."""
    from lxml import etree

    for el in etree.parse(str(small_file)).getroot().iter("{*}Learner"):
        if learner_from_element(el).is_bootcamp_learner:
            assert has_bootcamp_code(el)
        else:
            assert not has_bootcamp_code(el)  # true of generated files: no odd codes in them


def test_a_second_fundmodel_does_not_make_a_bootcamp_learner():
    """The model reads the first FundModel of an aim; the stream must agree, not guess."""
    odd = learner_xml("TWOFM", "35").replace("<FundModel>35</FundModel>", "<FundModel>35</FundModel><FundModel>37</FundModel>")
    data = message(odd, learner_xml("REAL", "37"))
    assert [x.learn_ref for x in read_text(data).learners if x.is_bootcamp_learner] == ["REAL"]
    stream = iter_learners(io.BytesIO(data))
    assert [x.learn_ref for x in stream] == ["REAL"]
    assert (stream.stats.learners_read, stream.stats.learners_yielded) == (2, 1)


@pytest.mark.parametrize("text,code,expected", [
    ("37", "37", True), ("037", "37", True), (" 37\n", "37", True), ("+37", "37", True),
    ("35", "37", False), ("3 7", "37", False), ("", "37", False), (None, "37", False), ("32", "32", True),
    ("0000032", "32", True), ("37", "32", False),
])
def test_bootcamp_code(text, code, expected):
    assert bootcamp_code(text, code) is expected


def test_no_namespace_and_no_header():
    data = message(learner_xml("A", "37", "32"), learner_xml("B"), ns=None, header=False)
    stream = iter_learners(io.BytesIO(data))
    assert [x.learn_ref for x in stream] == ["A"]
    assert stream.info.year is None
    assert any("no Header" in n for n in stream.info.notes)


def test_namespace_gives_the_year_when_the_header_is_missing():
    data = message(learner_xml("A", "37", "32"), header=False)
    stream = iter_learners(io.BytesIO(data))
    list(stream)
    assert (stream.info.year, stream.info.year_source) == ("2024-25", "namespace")


def test_reads_from_a_file_object_that_cannot_seek(small_file: Path):
    class Pipe:
        def __init__(self, data: bytes):
            self._buf = io.BytesIO(data)

        def read(self, n: int = -1) -> bytes:
            return self._buf.read(min(n, 4096) if n and n > 0 else 4096)

    data = small_file.read_bytes()
    assert list(iter_learners(Pipe(data))) == list(iter_learners(small_file))


def test_utf16_with_bom(tmp_path: Path):
    text = '<?xml version="1.0" encoding="UTF-16"?>\n' + message(learner_xml("A", "37", "32"), learner_xml("B")).decode()
    path = tmp_path / "u16.xml"
    path.write_bytes(text.encode("utf-16"))
    assert is_whole_file(path)
    assert [x.learn_ref for x in iter_learners(path)] == ["A"]


# -- broken and hostile files --------------------------------------------------------------

def test_truncated_file_yields_the_learners_before_the_break(small_file: Path, tmp_path: Path):
    data = small_file.read_bytes()
    cut = data.index(b"<LearnRefNumber>LR00000100</LearnRefNumber>") + 30  # inside learner 100
    path = tmp_path / "cut.xml"
    path.write_bytes(data[:cut])
    expected = [x for x in read_path(str(small_file)).learners[:100] if x.is_bootcamp_learner]
    stream = iter_learners(path)
    got = []
    with pytest.raises(InputError) as err:
        for learner in stream:
            got.append(learner)
    assert got == expected
    assert stream.stats.learners_read == 100
    last_line = data[:cut].count(b"\n") + 1
    assert err.value.line == last_line
    assert err.value.column is not None
    assert "100 learners before this point" in err.value.hint
    assert "Traceback" not in err.value.describe()


def test_malformed_in_the_middle_names_line_and_column(small_file: Path, tmp_path: Path):
    lines = small_file.read_bytes().split(b"\n")
    target = next(i for i, line in enumerate(lines) if b"<LearnRefNumber>LR00000060<" in line)
    lines[target] = lines[target].replace(b"</LearnRefNumber>", b"</LearnRef>")
    path = tmp_path / "broken.xml"
    path.write_bytes(b"\n".join(lines))
    stream = iter_learners(path, bootcamp_only=False)
    got = []
    with pytest.raises(InputError) as err:
        for learner in stream:
            got.append(learner)
    assert [int(x.learn_ref[2:]) for x in got] == list(range(60))
    assert err.value.line == target + 1
    col = lines[target].index(b"</LearnRef>") + 1
    assert abs(err.value.column - col) <= len("</LearnRef>")
    assert "LearnRefNumber" in err.value.message


def test_doctype_is_refused_before_parsing(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me")
    data = (f'<?xml version="1.0"?>\n<!-- a comment -->\n<!DOCTYPE Message [<!ENTITY x SYSTEM "file://{secret}">]>\n'
            + message(learner_xml("&x;", "37", "32")).decode()).encode()
    path = tmp_path / "dtd.xml"
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        is_whole_file(path)
    assert err.value.line == 3 and err.value.column == 1
    with pytest.raises(InputError) as err2:
        list(iter_learners(path))
    assert "DTD" in err2.value.message


def test_entity_bomb_without_doctype_is_a_syntax_error_not_an_expansion(tmp_path: Path):
    data = message(learner_xml("&lol9;", "37", "32"))
    with pytest.raises(InputError) as err:
        list(iter_learners(io.BytesIO(data)))
    assert err.value.line is not None


def test_not_xml_and_empty(tmp_path: Path):
    path = tmp_path / "notes.txt"
    path.write_text("just some notes, not XML\n")
    assert not is_whole_file(path)
    with pytest.raises(InputError):
        list(iter_learners(path))
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    assert read_prolog(open(empty, "rb")).root is None
    with pytest.raises(InputError):
        list(iter_learners(empty))


def test_missing_file_is_an_input_error(tmp_path: Path):
    with pytest.raises(InputError) as err:
        list(iter_learners(tmp_path / "nope.xml"))
    assert "cannot open" in err.value.message


def test_snippet_is_not_a_whole_file(tmp_path: Path):
    path = tmp_path / "snippet.xml"
    path.write_text(learner_xml("A", "37", "32"))
    assert not is_whole_file(path)
    assert is_whole_file(SAMPLES / "ILR-99999999-2526-20250108-094401.xml")


def test_progress_callback_sees_counts(small_file: Path):
    seen = []
    stream = LearnerStream(small_file, on_progress=lambda s: seen.append((s.learners_read, s.learners_yielded)),
                           progress_every=50)
    list(stream)
    assert seen[0][0] == 50
    assert seen[-1] == (150, 45)
    assert stream.stats.bytes_read == small_file.stat().st_size


# -- issue 15: the faster builder and checks change no result, at every bootcamp share -------

@pytest.mark.parametrize("share", [0.01, 0.3, 1.0])
def test_streamed_diagnosis_equals_per_learner_diagnosis_at_each_share(tmp_path: Path, share: float):
    """1% (a general FE college), 30% (a bootcamp-heavy provider), 100% (a specialist)."""
    import json

    from assistant.advice.engine import diagnose_learner
    from assistant.faces import diagnose as face
    from assistant.faces.cli import build_parser

    path = generated(tmp_path, n=300, share=share)
    args = build_parser().parse_args(["diagnose", str(path), "--format", "json"])
    out, err = io.StringIO(), io.StringIO()
    face.run_diagnose(args, stdout=out, stderr=err)
    streamed = json.loads(out.getvalue())["learners"]
    result = read_path(str(path))
    ctx = face.context_for(face.resolve_input(result.year, result.year_source, result.file_preparation_date, None, None))
    alone = [face.learner_json(face.learner_view(diagnose_learner(x, ctx))) for x in result.learners if x.is_bootcamp_learner]
    assert streamed == json.loads(json.dumps(alone))
    assert len(streamed) == round(300 * share) > 0


_TEXTS = st.one_of(
    st.none(),
    st.text(alphabet="0123456789-+: Z\t\n\u00a0\u0663x", max_size=14),
    st.dates().map(lambda d: d.isoformat()),
    st.integers(-5, 10**12).map(str),
    st.builds(lambda d, pad: pad + d.isoformat() + pad, st.dates(), st.sampled_from(["", " ", "\n  "])),
)


@given(_TEXTS)
@settings(max_examples=400, deadline=None)
def test_fast_field_readers_agree_with_parse_value(text):
    """The table-driven builder's fast paths give what `parse_checked` gives: the same value, or the same problem."""
    from assistant.ilr import builder
    from assistant.ilr.model import ValueProblem

    for kind, fast in (("int", builder._read_int), ("date", builder._read_date), ("str", builder._read_str)):
        try:
            expected: object = builder.parse_checked(kind, text)
        except ValueProblem as exc:
            expected = ("problem", str(exc))
        try:
            got: object = fast(text)
        except ValueProblem as exc:
            got = ("problem", str(exc))
        assert got == expected, (kind, text)
