#!/usr/bin/env python3
"""How fast, and in how much memory, `diagnose` reads a whole ILR file.

    python benchmarks/bench_diagnose.py                      # 10k and 100k learners
    python benchmarks/bench_diagnose.py --sizes 2000,20000 --repeat 5

For each size it generates one file (benchmarks/make_ilr.py, fixed seed) and
measures, each in its own subprocess so that peak memory is that run's own:

* the floor: a bare ``lxml.etree.iterparse`` loop over the learners, clearing
  each one (the cheapest way to read the file at all);
* the diagnosis: `ilr-assistant diagnose FILE --format json` (the real code
  path, output to /dev/null), which reads the Header, skips non-bootcamp
  learners, builds and diagnoses every bootcamp learner and writes the report;
* the fix: the same with ``--fixed OUT.xml`` (issue 14), which also reads the
  file a second time in step and writes the corrected copy, learner by
  learner (``--no-fixed`` leaves it out).

It prints the time of each (the best of ``--repeat`` runs, measured inside the
child so interpreter start-up is left out), the ratio diagnosis / floor, the
CPU seconds of each child (start-up included) and their ratio — steadier than
wall time on a shared machine — and peak RSS from ``os.wait4`` (the child's own
``ru_maxrss``). The
aim (issue 5) is a ratio of at most 1.5 and a peak RSS under 150 MB at
100,000 learners. Not part of the test suite.
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

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGET_RATIO = 1.5
TARGET_RSS_MB = 150.0


def open_workdir(given: str | None, prefix: str) -> tuple[Path, tempfile.TemporaryDirectory[str] | None]:
    """The folder for the generated files: the one given (made if missing), else a temporary one to clean up."""
    if given:
        workdir = Path(given)
        workdir.mkdir(parents=True, exist_ok=True)
        return workdir, None
    tmp = tempfile.TemporaryDirectory(prefix=prefix)
    return Path(tmp.name), tmp


# -- what runs in the child ------------------------------------------------------------

def work_floor(path: str) -> dict:
    from lxml import etree

    start, cpu = time.perf_counter(), time.process_time()
    n = 0
    for _, el in etree.iterparse(path, events=("end",), tag="{*}Learner"):
        n += 1
        el.clear()
        parent = el.getparent()
        while el.getprevious() is not None:
            del parent[0]
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "learners": n}


def work_diagnose(path: str, fmt: str, fixed: bool = False) -> dict:
    sys.path.insert(0, str(ROOT))
    from assistant.faces.cli import build_parser
    from assistant.faces.diagnose import run_diagnose

    extra = []
    if fixed:
        out_dir = tempfile.mkdtemp(prefix="ilr-bench-fixed-")
        extra = ["--fixed", os.path.join(out_dir, "fixed.xml")]
    args = build_parser().parse_args(["diagnose", path, "--format", fmt, *extra])
    try:
        with open(os.devnull, "w") as out, open(os.devnull, "w") as err:
            start = time.perf_counter()
            code = run_diagnose(args, stdout=out, stderr=err)
            seconds = time.perf_counter() - start
        if fixed and not os.path.exists(extra[1]):
            raise SystemExit("--fixed wrote nothing")
    finally:
        if fixed:
            import shutil

            shutil.rmtree(out_dir, ignore_errors=True)
    return {"seconds": seconds, "exit": code}


def child(argv: list[str]) -> int:
    mode, path, result_file = argv[:3]
    result = work_floor(path) if mode == "floor" else work_diagnose(path, argv[3], fixed=(mode == "fixed"))
    Path(result_file).write_text(json.dumps(result))
    return 0


# -- the parent ---------------------------------------------------------------------------

@dataclass
class Measure:
    seconds: float
    cpu: float
    rss_mb: float


def measure(mode: str, path: Path, fmt: str) -> Measure:
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as fh:
        result_file = fh.name
    try:
        cmd = [sys.executable, __file__, "--child", mode, str(path), result_file, fmt]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"{mode} run failed with exit status {proc.returncode}")
        result = json.loads(Path(result_file).read_text())
    finally:
        os.unlink(result_file)
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    rss = usage.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else usage.ru_maxrss / 1024
    return Measure(result["seconds"], usage.ru_utime + usage.ru_stime, rss)


def best(mode: str, path: Path, fmt: str, repeat: int) -> Measure:
    runs = [measure(mode, path, fmt) for _ in range(repeat)]
    return Measure(min(r.seconds for r in runs), min(r.cpu for r in runs), max(r.rss_mb for r in runs))


def make_file(n: int, year: str, seed: int, share: float, workdir: Path) -> tuple[Path, dict]:
    path = workdir / f"bench-{year}-{n}-{seed}-{share}.xml"
    sidecar = path.with_name(path.name + ".planted.json")
    if not (path.exists() and sidecar.exists()):
        subprocess.run([sys.executable, str(HERE / "make_ilr.py"), str(n), "--year", year, "--seed", str(seed),
                        "--bootcamp-share", str(share), "-o", str(path)], check=True)
    return path, json.loads(sidecar.read_text())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child(argv[1:])
    parser = argparse.ArgumentParser(description="Benchmark `diagnose` on whole generated ILR files.")
    parser.add_argument("--sizes", default="10000,100000", help="learners per file, comma-separated")
    parser.add_argument("--year", default="2024-25")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bootcamp-share", type=float, default=0.10)
    parser.add_argument("--format", default="json", choices=("text", "json", "csv", "md"))
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the best time is kept")
    parser.add_argument("--workdir", help="keep generated files here (default: a temporary folder)")
    parser.add_argument("--json", dest="as_json", action="store_true", help="print the results as JSON")
    parser.add_argument("--no-fixed", dest="fixed", action="store_false", help="leave out the --fixed measurement")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    workdir, tmp = open_workdir(args.workdir, "ilr-bench-")
    rows = []
    try:
        for n in sizes:
            path, planted = make_file(n, args.year, args.seed, args.bootcamp_share, workdir)
            floor = best("floor", path, args.format, args.repeat)
            diag = best("diagnose", path, args.format, args.repeat)
            fixed = best("fixed", path, args.format, args.repeat) if args.fixed else None
            rows.append({
                "learners": n, "bootcamp_learners": planted["bootcamp_learners"],
                "file_mb": round(path.stat().st_size / 1e6, 1), "format": args.format,
                "floor_s": round(floor.seconds, 2), "diagnose_s": round(diag.seconds, 2),
                "ratio": round(diag.seconds / floor.seconds, 2),
                "floor_cpu_s": round(floor.cpu, 2), "diagnose_cpu_s": round(diag.cpu, 2),
                "cpu_ratio": round(diag.cpu / floor.cpu, 2),
                "floor_rss_mb": round(floor.rss_mb, 1), "diagnose_rss_mb": round(diag.rss_mb, 1),
                "fixed_s": round(fixed.seconds, 2) if fixed else None,
                "fixed_cpu_s": round(fixed.cpu, 2) if fixed else None,
                "fixed_rss_mb": round(fixed.rss_mb, 1) if fixed else None,
            })
    finally:
        if tmp is not None:
            tmp.cleanup()
    if args.as_json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"year {args.year}, seed {args.seed}, bootcamp share {args.bootcamp_share:.0%}, "
          f"--format {args.format}, best of {args.repeat}; Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs")
    head = ("learners", "bootcamp", "file MB", "floor s", "diagnose s", "ratio", "floor CPU s", "diag CPU s",
            "CPU ratio", "floor RSS MB", "diag RSS MB", "--fixed s", "--fixed RSS MB")
    print(" | ".join(head))
    for r in rows:
        print(" | ".join(str(x) for x in (
            f"{r['learners']:,}", f"{r['bootcamp_learners']:,}", r["file_mb"], r["floor_s"], r["diagnose_s"],
            r["ratio"], r["floor_cpu_s"], r["diagnose_cpu_s"], r["cpu_ratio"], r["floor_rss_mb"],
            r["diagnose_rss_mb"], r["fixed_s"], r["fixed_rss_mb"])))
    for r in rows:
        ok_ratio = r["ratio"] <= TARGET_RATIO
        ok_rss = r["diagnose_rss_mb"] < TARGET_RSS_MB
        print(f"{r['learners']:,} learners: ratio {r['ratio']} ({'meets' if ok_ratio else 'misses'} ≤ {TARGET_RATIO}), "
              f"peak RSS {r['diagnose_rss_mb']} MB ({'meets' if ok_rss else 'misses'} < {TARGET_RSS_MB:.0f} MB)")
        if r["fixed_rss_mb"] is not None:
            ok_fixed = r["fixed_rss_mb"] <= TARGET_RSS_MB
            print(f"{r['learners']:,} learners with --fixed: {r['fixed_s']} s, peak RSS {r['fixed_rss_mb']} MB "
                  f"({'meets' if ok_fixed else 'misses'} ≤ {TARGET_RSS_MB:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
