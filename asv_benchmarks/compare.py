# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Print skml's asv results as ratios against its peer, benchmark by benchmark.

Usage: ``python asv_benchmarks/compare.py asv_benchmarks/results``. Reads the newest
result file of each machine. Every skml benchmark takes the library as its first
parameter; for each benchmark and each setting of the other parameters this prints
skml's figure, the peer's, and skml / peer (time and peak memory: below 1 means
skml is better). ``track_*`` scores print both values and their difference.
"""

import itertools
import json
import math
import sys
from pathlib import Path


def _newest_results(results_dir):
    files = []
    for machine in Path(results_dir).iterdir():
        if not machine.is_dir():
            continue
        runs = [p for p in machine.glob("*.json") if p.name != "machine.json"]
        if runs:
            files.append(max(runs, key=lambda p: p.stat().st_mtime))
    return files


def _rows(result_file):
    data = json.loads(Path(result_file).read_text())
    columns = data.get("result_columns", ["result", "params"])
    for name, entry in sorted(data["results"].items()):
        record = dict(zip(columns, entry))
        values, params = record.get("result"), record.get("params") or []
        if values is None or not params:
            continue
        combos = list(itertools.product(*params))
        by_setting = {}
        for combo, value in zip(combos, values):
            library, rest = combo[0].strip("'\""), combo[1:]
            by_setting.setdefault(rest, {})[library] = value
        for rest, libs in by_setting.items():
            ours = libs.pop("skml", None)
            for peer, theirs in libs.items():
                yield name, ", ".join(v.strip("'\"") for v in rest), peer, ours, theirs


def _fmt(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "failed"
    return f"{value:.4g}"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    results_dir = argv[0] if argv else "results"
    files = _newest_results(results_dir)
    if not files:
        print(f"no asv results under {results_dir}")
        return 1
    header = f"{'benchmark':48} {'params':28} {'peer':8} {'skml':>10} {'peer':>10} "
    header += f"{'skml/peer':>10}"
    for result_file in files:
        print(f"\n{result_file}\n{header}\n{'-' * len(header)}")
        for name, params, peer, ours, theirs in _rows(result_file):
            is_track = name.rsplit(".", 1)[-1].startswith("track_")
            if ours is None or theirs is None or not theirs:
                ratio = "n/a"
            elif is_track:
                ratio = f"{ours - theirs:+.3g} diff"
            else:
                ratio = f"{ours / theirs:.2f}x"
            print(
                f"{name[-48:]:48} {params[:28]:28} {peer:8} {_fmt(ours):>10} "
                f"{_fmt(theirs):>10} {ratio:>10}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
