# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Build skml's Cython extensions.

Every compiled module is listed once, in ``EXTENSIONS``; the ``Extension`` objects are
generated from it. Compiler directives are set once, here. ``SKML_CYTHON_DEBUG=1``
rebuilds with bounds and wraparound checks on. ``SKML_BUILD_ONLY=skml.neighbors`` (a
comma-separated list of module-name prefixes) builds only those modules, for quick
in-place rebuilds during development. OpenMP is used when the compiler
supports it; without it the modules still build and run serially.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

# module -> sources, whether it needs OpenMP, its language, extra compiler flags.
EXTENSIONS = {
    "skml.utils._typedefs": {"sources": ["skml/utils/_typedefs.pyx"]},
    "skml.utils._openmp_helpers": {
        "sources": ["skml/utils/_openmp_helpers.pyx"],
        "openmp": True,
    },
    # The shared distance core (see DESIGN.md, "Two shared compiled cores").
    "skml._distances._base": {
        "sources": ["skml/_distances/_base.pyx"],
        "openmp": True,
    },
    "skml._distances._pairwise": {
        "sources": ["skml/_distances/_pairwise.pyx"],
        "openmp": True,
    },
    "skml._distances._argkmin": {
        "sources": ["skml/_distances/_argkmin.pyx"],
        "openmp": True,
    },
    "skml._distances._kernels": {
        "sources": ["skml/_distances/_kernels.pyx"],
        "openmp": True,
        # The array exp: no trapping math lets GCC if-convert (and so vectorise)
        # its range checks; no contraction keeps its value the same in every
        # instruction-set clone (FMA or not). Neither changes any other value.
        "cflags": ["-fno-trapping-math", "-ffp-contract=off"],
    },
    "skml._distances._radius": {
        "sources": ["skml/_distances/_radius.pyx"],
        "openmp": True,
        "language": "c++",
    },
    "skml.cluster._common": {
        "sources": ["skml/cluster/_common.pyx"],
        "openmp": True,
    },
    "skml.cluster._lloyd": {
        "sources": ["skml/cluster/_lloyd.pyx"],
        "openmp": True,
    },
    "skml.cluster._elkan": {
        "sources": ["skml/cluster/_elkan.pyx"],
        "openmp": True,
    },
    "skml.cluster._csr": {
        "sources": ["skml/cluster/_csr.pyx"],
        "openmp": True,
    },
    "skml.cluster._seeding": {
        "sources": ["skml/cluster/_seeding.pyx"],
        "openmp": True,
    },
    "skml.neighbors._binary_tree_core": {
        "sources": ["skml/neighbors/_binary_tree_core.pyx"],
        "openmp": True,
    },
    "skml.neighbors._binary_tree": {
        "sources": ["skml/neighbors/_binary_tree.pyx"],
        "openmp": True,
    },
    # The shared split-finding core (see DESIGN.md, "Two shared compiled cores").
    "skml._splitting._criterion": {"sources": ["skml/_splitting/_criterion.pyx"]},
    "skml._splitting._partitioner": {"sources": ["skml/_splitting/_partitioner.pyx"]},
    "skml._splitting._splitter": {"sources": ["skml/_splitting/_splitter.pyx"]},
    "skml._splitting._tree": {"sources": ["skml/_splitting/_tree.pyx"]},
    "skml._splitting._hist": {
        "sources": ["skml/_splitting/_hist.pyx"],
        "openmp": True,
    },
    "skml._splitting._columns": {"sources": ["skml/_splitting/_columns.pyx"]},
    "skml._splitting._builder": {
        "sources": ["skml/_splitting/_builder.pyx"],
        "language": "c++",
    },
    "skml._splitting._pruning": {
        "sources": ["skml/_splitting/_pruning.pyx"],
        "language": "c++",
    },
    "skml.linear_model._cd_fast": {"sources": ["skml/linear_model/_cd_fast.pyx"]},
    "skml.svm._smo": {
        "sources": ["skml/svm/_smo.pyx"],
        "openmp": True,
    },
    "skml.svm._linear": {
        "sources": ["skml/svm/_linear.pyx"],
    },
    "skml.ensemble._forest_predict": {
        "sources": ["skml/ensemble/_forest_predict.pyx"],
        "openmp": True,
    },
    "skml.ensemble._gb_kernels": {
        "sources": ["skml/ensemble/_gb_kernels.pyx"],
        "openmp": True,
    },
}

DEBUG = os.environ.get("SKML_CYTHON_DEBUG", "0") not in ("", "0")

COMPILER_DIRECTIVES = {
    "language_level": 3,
    "boundscheck": DEBUG,
    "wraparound": DEBUG,
    "cdivision": True,
    "initializedcheck": DEBUG,
    "nonecheck": False,
    "embedsignature": True,
}


def _openmp_flags():
    """Return the compile/link flags for OpenMP, or ``[]`` if the compiler lacks it.

    The probe compiles and links a tiny OpenMP program; ``SKML_NO_OPENMP=1`` skips it.
    """
    if os.environ.get("SKML_NO_OPENMP", "0") not in ("", "0"):
        return []
    if sys.platform == "darwin":  # Apple clang needs libomp; not supported yet.
        return []
    cc = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
    cc = cc.split()[0]
    if shutil.which(cc) is None:
        return []
    code = "#include <omp.h>\nint main(void){return omp_get_max_threads() < 1;}\n"
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "probe.c")
        with open(src, "w") as f:
            f.write(code)
        result = subprocess.run(
            [cc, "-fopenmp", src, "-o", os.path.join(tmp, "probe")],
            capture_output=True,
        )
    return ["-fopenmp"] if result.returncode == 0 else []


def _extensions():
    openmp = _openmp_flags()
    if not openmp:
        print("skml: building without OpenMP; compiled kernels will run serially.")
    only = [p for p in os.environ.get("SKML_BUILD_ONLY", "").split(",") if p]
    extensions = []
    for name, spec in EXTENSIONS.items():
        if only and not any(name.startswith(prefix) for prefix in only):
            continue
        flags = openmp if spec.get("openmp") else []
        extensions.append(
            Extension(
                name,
                sources=spec["sources"],
                include_dirs=[np.get_include()],
                define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_9_API_VERSION")],
                extra_compile_args=["-O3", *flags, *spec.get("cflags", [])]
                + (["-O0", "-g"] if DEBUG else []),
                extra_link_args=flags,
                language=spec.get("language", "c"),
            )
        )
    return cythonize(
        extensions,
        compiler_directives=COMPILER_DIRECTIVES,
        nthreads=os.cpu_count() or 1,
    )


# Compile the extensions in parallel: a fresh install builds some twenty modules.
setup(
    ext_modules=_extensions(),
    options={"build_ext": {"parallel": os.cpu_count() or 1}},
)
