# lrlab: the learning-rate lab.
#
#   make lab        install the course into .venv and open JupyterLab at the first notebook
#   make test       install the test tools into .venv and run every test (CI runs it first)
#   make test-lower the tests and notebooks on the lowest declared versions, in .venv-lower
#                   (CI runs it after make test)
#   make present NB=notebooks/00-start-here.ipynb   projector view (Voila: no code)
#   make notebooks  re-run every notebook on a fresh kernel and store it normalized
#   make editions   build/student (no solutions, PDF handouts) and build/teacher (answer keys)
#   make class-link HUB=https://hub.example.edu [BRANCH=main]   nbgitpuller link for a class
#   make class-rehearsal STUDENTS=5 [MINUTES=1]   a class on a real JupyterHub on this machine
#   make mutation   mutation-test the math modules and checkers (a report, not part of make test)
#
# Needs Python 3.11+ (PYTHON=... to pick one) and, the first time, the package index.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST := 127.0.0.1
PORT ?= 8888
VOILA_PORT ?= 8866
NB ?= notebooks/00-start-here.ipynb
COURSE_STAMP := $(VENV)/.installed-course
TEST_STAMP := $(VENV)/.installed-test
MUTATION_STAMP := $(VENV)/.installed-mutation
VOILA_STAMP := $(VENV)/.installed-voila
CLASS_STAMP := $(VENV)/.installed-class
CHP := $(VENV)/chp/node_modules/.bin/configurable-http-proxy
BRANCH ?= main
STUDENTS ?= 5
MINUTES ?= 1
HUB_PORT ?= 8123
GOAL := $(or $(firstword $(MAKECMDGOALS)),lab)
ANNOUNCEMENTS := @jupyterlab/apputils-extension:announcements
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# Every notebook JupyterLab saves is stored in the repository's normal form: opened, run
# and saved without an edit, a notebook stays byte for byte as it was (git status clean).
SAVE_HOOK := lrlab._notebook_form.pre_save_hook
# `make present` runs Voila on its own. Voila also registers an extension of JupyterLab's
# server, which turns traitlets' DeprecationWarnings on (and JupyterLab then prints one at
# every start): JupyterLab started by `make lab` leaves that extension off.
NO_VOILA_IN_LAB := --ServerApp.jpserver_extensions=voila.server_extension=False
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval-sanitize.cfg
# notebooks/ only once it exists (git keeps no empty folder).
PYTEST_PATHS := $(wildcard notebooks) tests

# Python snippets (kept free of dollar signs and double quotes for make and the shell).
PY_VERSION_OK := import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY_INDEX_PROBE := import os, subprocess, sys, urllib.request; \
  sys.excepthook = lambda kind, err, tb: print('   ', kind.__name__ + ':', err, file=sys.stderr); \
  url = os.environ.get('PIP_INDEX_URL') or subprocess.run([sys.executable, '-m', 'pip', 'config', 'get', 'global.index-url'], capture_output=True, text=True).stdout.strip() or 'https://pypi.org/simple/'; \
  url.startswith('file:') and sys.exit(0); \
  print('==> checking the package index', url, '...'); \
  urllib.request.urlopen(url.rstrip('/') + '/pip/', timeout=20)
PY_LOWER_VERSIONS := import re, sys; from importlib.metadata import version; \
  print('    python', sys.version.split()[0]); \
  names = [re.split('[=<>;]', line)[0] for line in open('constraints/lower-bounds.txt') if line[:1].isalpha()]; \
  [print('   ', name, version(name)) for name in names + ['pytest', 'nbval', 'hypothesis']]
PY_PORT_FREE := import socket, sys; s = socket.socket(); \
  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind((sys.argv[1], int(sys.argv[2])))

.PHONY: help lab test test-lower present notebooks editions chromium mutation clean distclean class-link class-rehearsal

help:
	@sed -n '3,15p' Makefile | sed 's/^# \{0,1\}//'

# --- the virtualenv -------------------------------------------------------------------------

# Check the interpreter, (re)create .venv if it is missing or broken, check the index.
define prepare_venv
	if ! command -v "$(PYTHON)" >/dev/null 2>&1; then \
	  echo "error: '$(PYTHON)' not found. lrlab needs Python 3.11 or newer: install it" \
	       "(Debian/Ubuntu: apt-get install python3 python3-venv) or name one: make $(GOAL) PYTHON=python3.12" >&2; \
	  exit 1; \
	fi; \
	if ! "$(PYTHON)" -c "$(PY_VERSION_OK)"; then \
	  echo "error: $(PYTHON) is $$("$(PYTHON)" --version 2>&1); lrlab needs Python 3.11 or newer." \
	       "Install one and name it: make $(GOAL) PYTHON=python3.12" >&2; \
	  exit 1; \
	fi; \
	if [ -x "$(BIN)/python" ] && ! "$(BIN)/python" -c "$(PY_VERSION_OK)" 2>/dev/null; then \
	  echo "==> $(VENV) is broken or too old: recreating it"; rm -rf "$(VENV)"; \
	fi; \
	if [ ! -x "$(BIN)/python" ]; then \
	  echo "==> creating the virtualenv $(VENV) with $$("$(PYTHON)" --version 2>&1)"; \
	  "$(PYTHON)" -m venv "$(VENV)" || { rm -rf "$(VENV)"; \
	    echo "error: could not create a virtualenv. On Debian/Ubuntu: apt-get install python3-venv" >&2; \
	    exit 1; }; \
	fi; \
	"$(BIN)/python" -c "$(PY_INDEX_PROBE)" || { \
	  echo "error: cannot reach the Python package index (see above). The first 'make $(GOAL)'" \
	       "downloads the course's packages: connect to the network (or set PIP_INDEX_URL" \
	       "to a reachable index) and try again." >&2; \
	  exit 1; }
endef

define pip_install
	echo "==> installing $(1) into $(VENV) (pip install -r $(1)) ..."; \
	"$(BIN)/python" -m pip install --disable-pip-version-check -q -r "$(1)" || { \
	  echo "error: pip could not install $(1) (see pip's message above; a network error means" \
	       "the package index is unreachable)." >&2; \
	  exit 1; }; \
	echo "==> disabling JupyterLab's news announcements in $(VENV)"; \
	"$(BIN)/jupyter" labextension disable --level=sys_prefix "$(ANNOUNCEMENTS)" >/dev/null 2>&1
endef

$(COURSE_STAMP): requirements.txt pyproject.toml
	@$(prepare_venv)
	@$(call pip_install,requirements.txt)
	@touch "$@"
	@echo "==> the course is installed in $(VENV)"

$(TEST_STAMP): requirements-test.txt requirements.txt pyproject.toml
	@$(prepare_venv)
	@$(call pip_install,requirements-test.txt)
	@touch "$@" "$(COURSE_STAMP)"
	@echo "==> the course and its test tools are installed in $(VENV)"

$(MUTATION_STAMP): requirements-mutation.txt $(TEST_STAMP)
	@echo "==> installing mutmut into $(VENV) (pip install -r requirements-mutation.txt)"
	@"$(BIN)/python" -m pip install --disable-pip-version-check -q -r requirements-mutation.txt
	@touch "$@"

$(VOILA_STAMP): $(COURSE_STAMP)
	@echo "==> installing Voila into $(VENV) for the projector view"
	@"$(BIN)/python" -m pip install --disable-pip-version-check -q "voila>=0.5.8"
	@touch "$@"

# JupyterHub (pip) and its proxy (npm, into $(VENV)/chp) for the class rehearsal.
$(CLASS_STAMP): requirements-class.txt $(COURSE_STAMP)
	@command -v npm >/dev/null 2>&1 || { \
	  echo "error: the class rehearsal needs npm (Node.js) for JupyterHub's proxy," \
	       "configurable-http-proxy. Install it (Debian/Ubuntu: apt-get install nodejs npm)" \
	       "and run make again." >&2; exit 1; }
	@$(call pip_install,requirements-class.txt)
	@echo "==> installing configurable-http-proxy into $(VENV)/chp (npm)"
	@npm install --prefix "$(VENV)/chp" --no-audit --no-fund --loglevel=error \
	  "configurable-http-proxy@^5.3" || { \
	  echo "error: npm could not install configurable-http-proxy (see npm's message above)" >&2; \
	  exit 1; }
	@touch "$@"

# --- the course -------------------------------------------------------------------------------

# Opens $(NB) if it exists (else the file browser), on 127.0.0.1 with a fresh token.
lab: $(COURSE_STAMP)
	@"$(BIN)/python" -c "$(PY_PORT_FREE)" $(HOST) $(PORT) 2>/dev/null || { \
	  echo "error: port $(PORT) on $(HOST) is in use (another JupyterLab?)." \
	       "Stop it, or pick another port: make lab PORT=8899" >&2; exit 1; }
	@token=$$("$(BIN)/python" -c "import secrets; print(secrets.token_hex(24))"); \
	page=lab; if [ -f "$(NB)" ]; then page="lab/tree/$(NB)"; fi; \
	echo "==> starting JupyterLab (Ctrl-C twice to stop). Open:"; \
	echo ""; echo "    http://$(HOST):$(PORT)/$$page?token=$$token"; echo ""; \
	exec "$(BIN)/jupyter" lab --ip=$(HOST) --port=$(PORT) --ServerApp.port_retries=0 \
	  --IdentityProvider.token="$$token" --ServerApp.default_url="/$$page" $(ROOT_FLAG) \
	  --ContentsManager.pre_save_hook=$(SAVE_HOOK) $(NO_VOILA_IN_LAB)

present: $(VOILA_STAMP)
	@[ -f "$(NB)" ] || { echo "error: no notebook $(NB) (make present NB=notebooks/NAME.ipynb)" >&2; exit 1; }
	@"$(BIN)/python" -c "$(PY_PORT_FREE)" $(HOST) $(VOILA_PORT) 2>/dev/null || { \
	  echo "error: port $(VOILA_PORT) on $(HOST) is in use. Pick another: make present VOILA_PORT=8877" >&2; \
	  exit 1; }
	@token=$$("$(BIN)/python" -c "import secrets; print(secrets.token_hex(24))"); \
	echo "==> presenting $(NB) with Voila (prose, figures and controls; no code). Open:"; \
	echo ""; echo "    http://$(HOST):$(VOILA_PORT)/?token=$$token"; echo ""; \
	LRLAB_PRESENT=1 JUPYTER_PATH="$(CURDIR)/present$${JUPYTER_PATH:+:$$JUPYTER_PATH}" \
	exec "$(BIN)/voila" "$(NB)" --Voila.ip=$(HOST) --port=$(VOILA_PORT) --Voila.port_retries=0 \
	  --token="$$token" --theme=light --strip_sources=True --template=lrlab-present \
	  --Voila.config_file_paths="$(CURDIR)/present"

notebooks: $(COURSE_STAMP)
	@echo "==> re-executing every notebook on a fresh kernel, storing it normalized"
	"$(BIN)/python" tools/normalize_notebooks.py --execute

# Student edition: notebooks without solution/scaffolding cells, executed, with HTML and a
# PDF handout each (printed by the system's Chromium); teacher edition: solutions open and
# an answer key per notebook. Into build/ (not committed).
editions: $(TEST_STAMP) chromium
	@echo "==> building the student and teacher editions into build/"
	"$(BIN)/python" tools/editions.py

# --- a class on a JupyterHub ---------------------------------------------------------------------

class-link:
	@"$(PYTHON)" tools/class_link.py --hub "$(HUB)" --branch "$(BRANCH)" $(if $(REPO),--repo "$(REPO)",)

# STUDENTS=5 or a list (STUDENTS=1,5,10,20: a fresh hub for each); writes build/class-rehearsal/.
class-rehearsal: $(CLASS_STAMP)
	"$(BIN)/python" tools/class_rehearsal.py --students "$(STUDENTS)" --minutes "$(MINUTES)" \
	  --port "$(HUB_PORT)" $(REHEARSAL_ARGS)

# --- the tests --------------------------------------------------------------------------------

# The browser tests need Chromium: install it (root + apt) or say what to install.
chromium:
	@if [ -n "$${CHROMIUM:-}" ] && [ -x "$${CHROMIUM}" ]; then exit 0; fi; \
	if [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "==> Chromium is missing: apt-get update && apt-get install -y chromium"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -q && apt-get install -y -q chromium; \
	else \
	  echo "error: the browser tests need Chromium. Install it, then run make test again:" >&2; \
	  echo "    sudo apt-get install -y chromium    (Debian/Ubuntu)" >&2; \
	  echo "or point to one: make test CHROMIUM=/path/to/chromium" >&2; \
	  exit 1; \
	fi

# Every test, in one pytest run: lrlab's tests, strict nbval on every notebook (and the
# browser-test fixture), normalization, Binder and browser tests. ruff runs first; a ruff
# failure still lets the tests run, and fails make test at the end.
test: $(TEST_STAMP) $(CLASS_STAMP) chromium
	@echo "==> ruff check"; \
	ruff_status=0; "$(BIN)/ruff" check . || ruff_status=$$?; \
	echo "==> pytest $(PYTEST_PATHS) (nbval on every notebook; browser tests in Chromium)"; \
	[ -n "$(wildcard notebooks/*.ipynb)" ] || echo "    (notebooks/ has no notebook yet: nbval runs the fixture only)"; \
	pytest_status=0; \
	"$(BIN)/python" -m pytest $(NBVAL) --durations=15 $(PYTEST_PATHS) $(PYTEST_ARGS) \
	  || pytest_status=$$?; \
	if [ -d test-artifacts/screenshots ]; then echo "==> screenshots in test-artifacts/screenshots/"; fi; \
	if [ "$$ruff_status" != 0 ]; then echo "error: ruff check failed (see above)" >&2; fi; \
	if [ "$$pytest_status" != 0 ]; then echo "error: pytest failed with status $$pytest_status" >&2; fi; \
	[ "$$ruff_status" = 0 ] && [ "$$pytest_status" = 0 ]

# The lower-bound set: the course installed with every direct dependency at its declared lower
# bound (constraints/lower-bounds.txt) plus pytest, nbval and hypothesis (their lines in
# requirements-test.txt), in a virtualenv of its own. It runs strict nbval on every notebook
# and the tests in tests/ except the browser tests (tests/e2e) and those marked newest_only
# (they need tools this set does not install, or repeat what nbval checks here).
LOWER_VENV := .venv-lower
LOWER_STAMP := $(LOWER_VENV)/.installed-lower
LOWER_TOOLS := $(foreach tool,$(shell grep -E '^(pytest|nbval|hypothesis)[<>=]' \
  requirements-test.txt | cut -d' ' -f1),'$(tool)')

$(LOWER_STAMP): VENV := $(LOWER_VENV)
$(LOWER_STAMP): BIN := $(LOWER_VENV)/bin
$(LOWER_STAMP): constraints/lower-bounds.txt requirements.txt requirements-test.txt pyproject.toml
	@$(prepare_venv)
	@echo "==> installing the lower-bound set into $(LOWER_VENV)" \
	  "(pip install -c constraints/lower-bounds.txt -r requirements.txt $(LOWER_TOOLS))"
	@"$(LOWER_VENV)/bin/python" -m pip install --disable-pip-version-check -q \
	  -c constraints/lower-bounds.txt -r requirements.txt $(LOWER_TOOLS) || { \
	  echo "error: pip could not install the lower-bound set (see pip's message above)" >&2; \
	  exit 1; }
	@touch "$@"

test-lower: $(LOWER_STAMP)
	@echo "==> the lower-bound set in $(LOWER_VENV):"
	@"$(LOWER_VENV)/bin/python" -c "$(PY_LOWER_VERSIONS)"
	@echo "==> pytest on the lower-bound set: strict nbval on every notebook, tests/ but the" \
	  "browser tests and those marked newest_only"
	"$(LOWER_VENV)/bin/python" -m pytest $(NBVAL) -p no:cacheprovider --durations=10 \
	  --ignore=tests/e2e -m "not newest_only" $(PYTEST_PATHS) $(PYTEST_ARGS)

# Mutation testing (tools/mutation.py): each module in turn, with only its own fast tests; prints
# the score per module and every surviving mutant. MODULES="theory _tf32" for some of them,
# MUTATION_JOBS=4 for more mutants at once. A report, like the benchmarks: not part of make test.
mutation: $(MUTATION_STAMP)
	"$(BIN)/python" tools/mutation.py $(MODULES)

clean:
	rm -rf test-artifacts .pytest_cache .ruff_cache .hypothesis

distclean: clean
	rm -rf "$(VENV)" "$(LOWER_VENV)"
