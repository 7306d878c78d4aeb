#!/usr/bin/env python3
"""`diagnose` against the floor at the bootcamp shares real providers have (issue 15).

    python benchmarks/bench_shares.py                          # 50,000 learners, 1%, 30%, 100%
    python benchmarks/bench_shares.py --learners 5000 --repeat 2   # a quick look

For each share it generates one file (benchmarks/make_ilr.py, fixed seed) and
measures, each run in its own process so that peak memory is that run's own:

* the floor: a bare ``lxml.etree.iterparse`` loop over the learners, clearing
  each one (the cheapest way to read the file at all);
* diagnose: `ilr-assistant diagnose FILE --format json` to /dev/null (the real
  code path).

The ratio is taken on CPU seconds (the child's own ``ru_utime + ru_stime`` from
``os.wait4``, interpreter start-up and imports included; the ratio without them,
from ``time.process_time`` inside the child, is printed beside it): on a machine shared with other
work, CPU time is far steadier than wall time. The in-child wall ratio is
printed too. Each figure is the best of ``--repeat`` runs; peak RSS is the
largest seen.

A third child splits the diagnosis per learner: parse (the floor, per learner
of the file), then per bootcamp learner: the model (building `Learner` from the
element), the schema check (the year's XSD), checks (`check_learner`), advice
(`diagnose_learner` less its checks: planning, verifying, milestones) and the
report (the learner's view and its JSON, encoded). The split is measured with
``time.process_time`` around each stage, so it adds up only roughly to the
diagnose figure.

Aims (issue 15): CPU ratio ≤ 1.5 at 30%, ≤ 2.5 at 100%, peak RSS ≤ 150 MB.
Not part of the test suite: timings are never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_diagnose import open_workdir, work_floor  # noqa: E402 - the one floor both benchmarks measure against

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
AIMS = {0.3: 1.5, 1.0: 2.5}
TARGET_RSS_MB = 150.0


# -- what runs in the child ------------------------------------------------------------

def _code_root() -> str:
    """The checkout to measure: this one, or ``--code DIR`` (e.g. main, for a before/after)."""
    other = os.environ.get("ILR_BENCH_CODE")
    if other:
        # An editable install's import hook would still find this checkout's package first.
        sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()
                            and "editable" not in type(f).__module__.lower()]
        return other
    return str(ROOT)


def work_diagnose(path: str) -> dict:
    sys.path.insert(0, _code_root())
    from assistant.faces.cli import build_parser
    from assistant.faces.diagnose import run_diagnose

    args = build_parser().parse_args(["diagnose", path, "--format", "json"])
    with open(os.devnull, "w") as out, open(os.devnull, "w") as err:
        start, cpu = time.perf_counter(), time.process_time()
        code = run_diagnose(args, stdout=out, stderr=err)
        return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "exit": code}


def work_stages(path: str) -> dict:
    """CPU seconds of each stage per bootcamp learner (see the module docstring).

    The first bootcamp learner is left out: it pays the one-off costs (the year's
    knowledge and XSD loaded and compiled), which the diagnose figure includes.
    """
    sys.path.insert(0, _code_root())
    from datetime import date

    from assistant.advice.engine import diagnose_learner
    from assistant.faces.diagnose import learner_json
    try:
        from assistant.faces.view import learner_view
    except ImportError:  # a checkout from before the per-learner view (--code): its learner_json takes the diagnosis
        learner_view = None
    from assistant.ilr import stream as stream_mod
    from assistant.rules.base import Context
    from assistant.rules.checks import check_learner

    from assistant.ilr.schema import _compiled, xsd_year

    clock = time.process_time
    spent = dict.fromkeys(("model", "schema", "xsd", "checks", "advice", "report"), 0.0)
    build, attach = stream_mod.learner_from_element, stream_mod.attach_schema

    def timed_build(el):
        t = clock()
        learner = build(el)
        spent["model"] += clock() - t
        return learner

    def timed_attach(learner, els, year, **kw):
        t = clock()
        out = attach(learner, els, year, **kw)
        spent["schema"] += clock() - t
        # Of which libxml2's own validation of the learner (C): validated once more, on its own.
        used = xsd_year(year)
        if used is not None:
            structure = _compiled(used)[0]
            t = clock()
            for el in els:
                structure.validate(el)
            spent["xsd"] += clock() - t
        return out

    stream_mod.learner_from_element, stream_mod.attach_schema = timed_build, timed_attach
    s = stream_mod.iter_learners(path)
    ctx = None
    n = 0
    for learner in s:
        if ctx is None:
            ctx = Context(s.info.year or "2024-25", s.info.file_preparation_date or date.today())
        t0 = clock()
        check_learner(learner, ctx)
        t1 = clock()
        dg = diagnose_learner(learner, ctx)
        t2 = clock()
        json.dumps(learner_json(learner_view(dg) if learner_view is not None else dg))
        t3 = clock()
        spent["checks"] += t1 - t0
        spent["advice"] += (t2 - t1) - (t1 - t0)
        spent["report"] += t3 - t2
        n += 1
        if n == 1:
            spent = dict.fromkeys(spent, 0.0)
    return {**spent, "bootcamp_learners": n - 1, "learners": s.stats.learners_read}


def child(argv: list[str]) -> int:
    mode, path, result_file = argv[:3]
    work = {"floor": work_floor, "diagnose": work_diagnose, "stages": work_stages}[mode]
    Path(result_file).write_text(json.dumps(work(path)))
    return 0


# -- the parent ---------------------------------------------------------------------------

@dataclass
class Measure:
    seconds: float      # wall, inside the child
    cpu: float          # the child's whole CPU time (start-up included), from wait4
    rss_mb: float
    result: dict


def measure(mode: str, path: Path) -> Measure:
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as fh:
        result_file = fh.name
    try:
        proc = subprocess.Popen([sys.executable, __file__, "--child", mode, str(path), result_file],
                                stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{mode} run on {path.name} failed")
        result = json.loads(Path(result_file).read_text())
    finally:
        os.unlink(result_file)
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    rss = usage.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else usage.ru_maxrss / 1024
    return Measure(result.get("seconds", 0.0), usage.ru_utime + usage.ru_stime, rss, result)


def best(mode: str, path: Path, repeat: int) -> Measure:
    runs = [measure(mode, path) for _ in range(repeat)]
    fastest = min(runs, key=lambda r: r.cpu)
    return Measure(min(r.seconds for r in runs), fastest.cpu, max(r.rss_mb for r in runs), fastest.result)


def make_file(n: int, year: str, seed: int, share: float, workdir: Path) -> tuple[Path, dict]:
    path = workdir / f"shares-{year}-{n}-{seed}-{share}.xml"
    sidecar = path.with_name(path.name + ".planted.json")
    if not (path.exists() and sidecar.exists()):
        subprocess.run([sys.executable, str(HERE / "make_ilr.py"), str(n), "--year", year, "--seed", str(seed),
                        "--bootcamp-share", str(share), "-o", str(path)], check=True, stdout=subprocess.DEVNULL)
    return path, json.loads(sidecar.read_text())


def run_share(n: int, share: float, args, workdir: Path) -> dict:
    path, planted = make_file(n, args.year, args.seed, share, workdir)
    floor = best("floor", path, args.repeat)
    diag = best("diagnose", path, args.repeat)
    stages = best("stages", path, 1).result
    boot = max(1, stages["bootcamp_learners"])
    us = 1e6
    parse_us = floor.result["cpu"] / max(1, floor.result["learners"]) * us
    return {
        "learners": n, "share": share, "bootcamp_learners": planted["bootcamp_learners"],
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "floor_cpu_s": round(floor.cpu, 2), "diagnose_cpu_s": round(diag.cpu, 2),
        "cpu_ratio": round(diag.cpu / floor.cpu, 2),
        "floor_cpu_in_s": round(floor.result["cpu"], 2), "diagnose_cpu_in_s": round(diag.result["cpu"], 2),
        "cpu_ratio_in": round(diag.result["cpu"] / floor.result["cpu"], 2),
        "floor_s": round(floor.seconds, 2), "diagnose_s": round(diag.seconds, 2),
        "wall_ratio": round(diag.seconds / floor.seconds, 2),
        "floor_rss_mb": round(floor.rss_mb, 1), "diagnose_rss_mb": round(diag.rss_mb, 1),
        "per_learner_us": {
            "parse (every learner)": round(parse_us, 1),
            "model": round(stages["model"] / boot * us, 1),
            "schema": round(stages["schema"] / boot * us, 1),
            "of which XSD (libxml2)": round(stages["xsd"] / boot * us, 1),
            "checks": round(stages["checks"] / boot * us, 1),
            "advice": round(stages["advice"] / boot * us, 1),
            "report (JSON)": round(stages["report"] / boot * us, 1),
        },
    }


def xsd_bound(row: dict) -> float:
    """The lowest ratio reachable on one core while every bootcamp learner is XSD-validated.

    floor + bootcamp learners × libxml2's validation of one learner, over the floor: the
    validation is C code the reader cannot avoid, so no Python speed-up goes below it.
    """
    per_learner = row["per_learner_us"]
    floor_us = per_learner["parse (every learner)"] * row["learners"]
    return 1 + row["bootcamp_learners"] * per_learner["of which XSD (libxml2)"] / floor_us


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child(argv[1:])
    parser = argparse.ArgumentParser(description="diagnose vs the iterparse floor at 1%, 30% and 100% bootcamp shares.")
    parser.add_argument("--learners", type=int, default=50_000)
    parser.add_argument("--shares", default="0.01,0.3,1.0", help="bootcamp shares, comma-separated")
    parser.add_argument("--year", default="2024-25")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the lowest CPU time is kept")
    parser.add_argument("--workdir", help="keep generated files here (default: a temporary folder)")
    parser.add_argument("--code", help="measure the checkout in this folder instead of this one (before/after)")
    parser.add_argument("--json", dest="as_json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    shares = [float(s) for s in args.shares.split(",") if s.strip()]
    if args.code:
        os.environ["ILR_BENCH_CODE"] = str(Path(args.code).resolve())
    workdir, tmp = open_workdir(args.workdir, "ilr-shares-")
    try:
        rows = [run_share(args.learners, share, args, workdir) for share in shares]
    finally:
        if tmp is not None:
            tmp.cleanup()
    if args.as_json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"code: {args.code or ROOT}")
    print(f"{args.learners:,} learners, year {args.year}, seed {args.seed}, --format json, best of {args.repeat} "
          f"(CPU); Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print("| share | bootcamp learners | file | floor CPU | diagnose CPU | ratio (CPU) | ratio (CPU, no start-up) "
          "| ratio (wall) | peak RSS floor / diagnose |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['share']:.0%} | {r['bootcamp_learners']:,} | {r['file_mb']} MB | {r['floor_cpu_s']} s "
              f"| {r['diagnose_cpu_s']} s | {r['cpu_ratio']} | {r['cpu_ratio_in']} | {r['wall_ratio']} "
              f"| {r['floor_rss_mb']:.0f} / {r['diagnose_rss_mb']:.0f} MB |")
    print()
    stages = list(rows[0]["per_learner_us"])
    print("| share | " + " | ".join(f"{s} µs" for s in stages) + " |")
    print("|---:|" + "---:|" * len(stages))
    for r in rows:
        print(f"| {r['share']:.0%} | " + " | ".join(str(r["per_learner_us"][s]) for s in stages) + " |")
    print()
    print("The XSD validation alone (libxml2, in C; issue 10 checks every bootcamp learner against the year's XSD) "
          "bounds the ratio from below, whatever the Python around it costs:")
    for r in rows:
        print(f"{r['share']:.0%}: ratio ≥ {xsd_bound(r):.2f} from the XSD validation alone")
    print()
    for r in rows:
        aim = AIMS.get(r["share"])
        verdict = (f"{'meets' if r['cpu_ratio'] <= aim else 'misses'} the aim of {aim}" if aim else "no aim set")
        print(f"{r['share']:.0%}: CPU ratio {r['cpu_ratio']} ({verdict}); peak RSS {r['diagnose_rss_mb']:.0f} MB "
              f"({'meets' if r['diagnose_rss_mb'] <= TARGET_RSS_MB else 'misses'} ≤ {TARGET_RSS_MB:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
