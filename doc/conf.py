# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Sphinx configuration. The build is offline: no intersphinx, nothing fetched."""

import os
import re
import sys
import warnings

import skml

project = "skml"
author = "The skml developers"
copyright = "2026, The skml developers"
release = skml.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "**.ipynb_checkpoints"]
root_doc = "index"
default_role = "literal"

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks = set()

html_theme = "pydata_sphinx_theme"
html_title = f"skml {release}"
html_static_path = ["_static"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": False,
    "check_switcher": False,
}
html_show_sourcelink = False

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "doc_module": "skml",
    "backreferences_dir": "generated",
    "reference_url": {"skml": None},
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "within_subsection_order": "FileNameSortKey",
    # Each example must run in under a minute (STYLE.md).
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
}

# Examples draw with the non-interactive backend.
os.environ.setdefault("MPLBACKEND", "Agg")
warnings.filterwarnings(
    "ignore",
    category=UserWarning,
    message="Matplotlib is currently using agg",
)
sys.path.insert(0, os.path.abspath("."))


# Methods inherited from scikit-learn (get_params, set_output, set_*_request, ...)
# cross-reference scikit-learn's own labels and glossary, which this build does not
# have (it is offline, without intersphinx). Render those roles as plain text in
# docstrings of objects scikit-learn defines; skml's own docstrings are untouched,
# so their broken references still fail the build.
_ROLE = re.compile(
    r":(?:ref|term|class|func|meth|attr|obj|mod):`(?:([^`<]*?)\s*<[^`>]*>|([^`]*))`"
)


def _defined_by_sklearn(obj):
    func = getattr(obj, "fget", obj)
    module = getattr(func, "__module__", "") or ""
    qualname = getattr(func, "__qualname__", "") or ""
    return module.startswith("sklearn") or "_MetadataRequester" in qualname


def _plain_sklearn_roles(app, what, name, obj, options, lines):
    if not _defined_by_sklearn(obj) and "set_" not in name.rsplit(".", 1)[-1][:4]:
        return
    for i, line in enumerate(lines):
        lines[i] = _ROLE.sub(
            lambda m: f"``{(m.group(1) or m.group(2)).strip('~')}``", line
        )


def setup(app):
    app.connect("autodoc-process-docstring", _plain_sklearn_roles)
