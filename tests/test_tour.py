# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The guided tour (python -m skml) runs, reports, plots and survives gaps."""

import subprocess
import sys

import pytest

from skml._tour import _cases, _main


def test_tour_runs_one_family_and_writes_a_plot(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    code = _main.main(["--quick", "--family", "naive_bayes", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "GaussianNB" in out and "fit-time ratio" in out
    assert "[naive_bayes 1/" in out  # progress lines
    assert (tmp_path / "naive_bayes.png").stat().st_size > 1000


def test_tour_fails_on_a_family_missing_from_the_build(tmp_path, capsys, monkeypatch):
    def missing():
        raise ModuleNotFoundError(
            "No module named 'skml._distances._argkmin'",
            name="skml._distances._argkmin",
        )

    monkeypatch.setitem(_cases.FAMILIES, "not_built", missing)
    code = _main.main(["--quick", "--family", "not_built", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAILED to import" in out
    assert "skml._distances._argkmin" in out


@pytest.mark.parametrize("package", ["xgboost", "lightgbm", "matplotlib.pyplot"])
def test_tour_skips_a_family_whose_optional_extra_is_absent(
    tmp_path, capsys, monkeypatch, package
):
    def missing():
        raise ModuleNotFoundError(f"No module named {package!r}", name=package)

    monkeypatch.setitem(_cases.FAMILIES, "needs_extra", missing)
    code = _main.main(["--quick", "--family", "needs_extra", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    extra = _main.OPTIONAL_EXTRAS[package.partition(".")[0]]
    assert f"pip install 'skml[{extra}]'" in out


def test_tour_reports_a_failing_case_and_exits_nonzero(tmp_path, capsys, monkeypatch):
    def broken(quick):
        raise RuntimeError("boom")

    monkeypatch.setitem(
        _cases.FAMILIES,
        "broken",
        lambda: [_cases.Case("broken", "Broken", "nothing", broken)],
    )
    code = _main.main(["--quick", "--family", "broken", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1
    assert "RuntimeError: boom" in out


def test_tour_result_time_ratio():
    result = _cases.Result("f", "E", "d", "m", 1.0, 1.0, 2.0, 4.0)
    assert result.time_ratio == 0.5


def test_tour_help_lists_options(tmp_path):
    # -P and a neutral working directory: the installed package answers, as for a
    # user (the source tree has no compiled modules).
    out = subprocess.run(
        [sys.executable, "-P", "-m", "skml", "--help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    for option in ("--quick", "--family", "--out"):
        assert option in out


@pytest.mark.slow
def test_tour_quick_runs_every_family(tmp_path):
    assert _main.main(["--quick", "--out", str(tmp_path)]) == 0


def test_best_times_alternates_order_and_keeps_the_best(monkeypatch):
    from skml._tour import _timing

    # A fake clock: each call of library 0 takes 3, 1, 2 time units in its
    # three runs, each call of library 1 takes 1 unit.
    durations = {0: iter([3.0, 1.0, 2.0]), 1: iter([1.0, 1.0, 1.0])}
    now = [0.0]
    order = []

    def call(i):
        def run():
            order.append(i)
            now[0] += next(durations[i])
            return f"out{i}-{len(order)}"

        return run

    monkeypatch.setattr(_timing.time, "perf_counter", lambda: now[0])
    monkeypatch.setattr(_timing, "SHORT_CALL_SECONDS", 10.0)
    outputs, best = _timing.best_times([call(0), call(1)])
    assert order == [0, 1, 1, 0, 0, 1]
    assert best == [1.0, 1.0]
    assert outputs == ["out0-5", "out1-6"]


def test_best_times_runs_long_calls_once(monkeypatch):
    from skml._tour import _timing

    monkeypatch.setattr(_timing, "SHORT_CALL_SECONDS", 0.0)
    calls = []
    outputs, best = _timing.best_times(
        [lambda: calls.append(0), lambda: calls.append(1)]
    )
    assert calls == [0, 1]
    assert len(best) == 2 and min(best) >= 0.0
