# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""``skml.show_versions()``: what to paste into a bug report."""

import importlib
import platform
import sys

_DEPENDENCIES = (
    "pip",
    "setuptools",
    "numpy",
    "scipy",
    "scikit-learn",
    "joblib",
    "threadpoolctl",
    "Cython",
    "xgboost",
    "lightgbm",
    "matplotlib",
    "pandas",
)


def _dependency_versions():
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for name in _DEPENDENCIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return versions


def show_versions():
    """Print skml's version, its dependencies' and the threading setup.

    The threading part lists whether skml was built with OpenMP and every thread
    pool (BLAS, OpenMP) that threadpoolctl sees in this process.

    Examples
    --------
    >>> import skml
    >>> skml.show_versions()  # doctest: +SKIP
    """
    from threadpoolctl import threadpool_info

    import skml
    from skml.utils._openmp import effective_n_threads, openmp_supported

    print("\nSystem:")
    print(f"    python: {sys.version.replace(chr(10), ' ')}")
    print(f"executable: {sys.executable}")
    print(f"   machine: {platform.platform()}")
    print("\nPython dependencies:")
    print(f"      skml: {skml.__version__}")
    for name, ver in _dependency_versions().items():
        print(f"{name:>13}: {ver}")
    print("\nBuilt with OpenMP:", openmp_supported())
    print("OpenMP threads (n_jobs=None):", effective_n_threads(None))
    # Importing the compiled modules loads the OpenMP runtime they link, so that
    # threadpoolctl lists it.
    importlib.import_module("skml.utils._openmp_helpers")
    print("\nThreadpoolctl info:")
    for pool in threadpool_info():
        print()
        for key, value in pool.items():
            print(f"{key:>15}: {value}")
