# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Command line, progress, table and plots of the guided tour."""

import argparse
import math
import sys
import time
from pathlib import Path

from skml._tour._cases import FAMILIES, Result

_COLUMNS = (
    ("family", 14),
    ("estimator", 36),
    ("dataset", 20),
    ("metric", 18),
    ("skml", 10),
    ("scikit-learn", 12),
    ("fit-time ratio", 14),
)


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m skml",
        description=(
            "Guided tour of skml: cross-validates every skml estimator next to its "
            "scikit-learn counterpart on embedded data, prints scores and fit-time "
            "ratios (skml time / scikit-learn time), and writes plots."
        ),
    )
    parser.add_argument(
        "--quick", action="store_true", help="small data and 3 folds (under a minute)"
    )
    parser.add_argument(
        "--family",
        action="append",
        choices=sorted(FAMILIES),
        metavar="NAME",
        help=f"run only this family (repeatable); one of {', '.join(sorted(FAMILIES))}",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("skml_tour_output"),
        help="folder for the PNG plots (default: ./skml_tour_output)",
    )
    return parser


def _format(value, width):
    if isinstance(value, float):
        text = "n/a" if math.isnan(value) else f"{value:.4g}"
    else:
        text = str(value)
    return text[:width].ljust(width)


def _row(values):
    return "  ".join(_format(v, w) for v, (_, w) in zip(values, _COLUMNS))


def print_table(results, stream=None):
    """Print one row per result: scores and the skml/scikit-learn fit-time ratio."""
    stream = sys.stdout if stream is None else stream
    print(_row([name for name, _ in _COLUMNS]), file=stream)
    print("-" * len(_row([name for name, _ in _COLUMNS])), file=stream)
    for r in results:
        if r.error:
            values = [r.family, r.estimator, r.dataset, "error", "see below", "", ""]
        else:
            values = [
                r.family,
                r.estimator,
                r.dataset,
                r.metric,
                r.skml_score,
                r.sklearn_score,
                r.time_ratio,
            ]
        print(_row(values), file=stream)
    # Errors are too long for a table cell; print each one whole.
    for r in results:
        if r.error:
            print(
                f"\n{r.family}: {r.estimator} on {r.dataset} failed: {r.error}",
                file=stream,
            )


def _plot_family(family, results, out_dir):
    """Write ``<family>.png``: scores side by side and fit-time ratios."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    ok = [r for r in results if not r.error]
    if not ok:
        return None
    labels = [f"{r.estimator}\n{r.dataset}" for r in ok]
    y = np.arange(len(ok))
    fig, (ax_score, ax_time) = plt.subplots(
        1, 2, figsize=(12, 1.2 + 0.6 * len(ok)), sharey=True
    )
    ax_score.barh(y - 0.2, [r.skml_score for r in ok], 0.4, label="skml")
    ax_score.barh(y + 0.2, [r.sklearn_score for r in ok], 0.4, label="scikit-learn")
    ax_score.set_yticks(y, labels, fontsize=8)
    ax_score.invert_yaxis()
    ax_score.set_xlabel(", ".join(sorted({r.metric for r in ok})))
    ax_score.legend(loc="lower right", fontsize=8)
    ax_score.set_title("score (cross-validated)")
    ax_time.barh(y, [r.time_ratio for r in ok], 0.5, color="tab:green")
    ax_time.axvline(1.0, color="black", linestyle="--", linewidth=1)
    ax_time.set_xlabel("skml fit time / scikit-learn fit time")
    ax_time.set_title("speed (below 1 = skml faster)")
    fig.suptitle(f"skml.{family} vs scikit-learn")
    fig.tight_layout()
    path = out_dir / f"{family}.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


# Third-party packages behind an optional extra: a family that needs one that is
# absent is skipped. Any other import failure (an skml module missing from the
# build, above all) is an error.
OPTIONAL_EXTRAS = {"matplotlib": "plot", "xgboost": "xgboost", "lightgbm": "lightgbm"}


def _missing_extra(exc):
    """The extra whose absence ``exc`` reports, or None for any other failure."""
    name = getattr(exc, "name", None) or ""
    return OPTIONAL_EXTRAS.get(name.partition(".")[0])


def _import_failure(family, exc):
    # A family that the build should contain and that cannot be imported.
    nan = float("nan")
    module = getattr(exc, "name", None) or "?"
    return Result(
        family,
        "(import)",
        "-",
        "",
        nan,
        nan,
        nan,
        nan,
        error=f"cannot import {module}: {type(exc).__name__}: {exc}",
    )


def run_tour(families, quick, out_dir, stream=None):
    """Run the cases of ``families``; return the list of results.

    A family that needs an optional extra which is not installed is reported and
    skipped. A family that fails to import for any other reason (a compiled
    module missing from the build) is recorded as an error, as is a case that
    raises; the tour goes on.
    """
    stream = sys.stdout if stream is None else stream
    results = []
    for family in families:
        try:
            cases = FAMILIES[family]()
        except ImportError as exc:
            extra = _missing_extra(exc)
            if extra is None:
                print(f"[{family}] FAILED to import: {exc}", file=stream)
                results.append(_import_failure(family, exc))
            else:
                print(
                    f"[{family}] skipped: needs the optional extra "
                    f"(pip install 'skml[{extra}]'): {exc}",
                    file=stream,
                )
            continue
        family_results = []
        for i, case in enumerate(cases, 1):
            prefix = f"[{family} {i}/{len(cases)}] {case.estimator} on {case.dataset}"
            print(f"{prefix} ...", end="", flush=True, file=stream)
            start = time.perf_counter()
            try:
                result = case.run(quick)
            except Exception as exc:  # reported in the table, the tour goes on
                nan = float("nan")
                result = Result(
                    family,
                    case.estimator,
                    case.dataset,
                    "",
                    nan,
                    nan,
                    nan,
                    nan,
                    error=f"{type(exc).__name__}: {exc}",
                )
            status = "failed" if result.error else "done"
            print(f" {status} ({time.perf_counter() - start:.1f}s)", file=stream)
            family_results.append(result)
        results.extend(family_results)
        _write_plot(family, family_results, out_dir, stream)
    return results


def _write_plot(family, results, out_dir, stream):
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print(
            "  matplotlib is not installed; no plot (pip install 'skml[plot]')",
            file=stream,
        )
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    path = _plot_family(family, results, out_dir)
    if path is not None:
        print(f"  plot written to {path}", file=stream)


def main(argv=None):
    """Run the tour; return the process exit code (1 if any case failed)."""
    args = _parser().parse_args(argv)
    families = args.family or list(FAMILIES)
    import skml

    mode = "quick" if args.quick else "full"
    print(
        f"skml {skml.__version__} guided tour ({mode}), imported from "
        f"{Path(skml.__file__).parent}; families: {families}\n"
    )
    start = time.perf_counter()
    results = run_tour(families, args.quick, args.out)
    print()
    print_table(results)
    print(
        f"\n{len(results)} comparisons in {time.perf_counter() - start:.0f}s. "
        "fit-time ratio = skml / scikit-learn (below 1: skml is faster)."
    )
    return 1 if any(r.error for r in results) else 0
