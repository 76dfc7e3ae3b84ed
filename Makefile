# The two commands a new machine needs: `make run` and `make test` (README.md).
VENV   ?= .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# unoserver (a resident LibreOffice) must run under Debian's python3, which has the uno module.
OFFICE := .venv-office/bin/unoserver

.PHONY: run test check lint bench install system-deps office clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

system-deps:
	sh scripts/install-system-deps.sh

$(OFFICE):
	/usr/bin/python3 -m venv --system-site-packages .venv-office
	.venv-office/bin/python -m pip install -q 'unoserver>=3.7,<4'

office: system-deps $(OFFICE)

# LibreOffice, Ghostscript and OCR are needed for PDFs and scans; without root the service still
# starts, and says what is missing when a document needs it.
run: install
	-$(MAKE) office
	$(BIN)/kansli serve

# Lint and types, then every test (real Redis, both databases, LibreOffice, Chromium).
test: install office lint
	$(BIN)/python -m pytest

# The quick tier: lint, types and the tests that need no LibreOffice, browser or whole service.
check: install lint
	$(BIN)/python -m pytest -q -m "not slow and not office"

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: install office
	$(BIN)/python bench/run.py
	$(BIN)/python bench/service.py

clean:
	rm -rf $(VENV) .venv-office .pytest_cache test-artifacts
