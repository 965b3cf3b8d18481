# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
import skml


def test_show_versions_prints_versions_and_threads(capsys):
    skml.show_versions()
    out = capsys.readouterr().out
    assert f"skml: {skml.__version__}" in out
    for name in ("numpy", "scipy", "scikit-learn", "threadpoolctl"):
        assert f"{name}:" in out
    assert "Built with OpenMP:" in out
    assert "user_api: blas" in out


def test_version_is_pep440():
    from packaging.version import Version

    assert Version(skml.__version__) >= Version("0.1.0.dev0")
