# Two commands from a fresh clone:  `make run`  and  `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run console test lint setup clean extract translations bench

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e '.[dev]'
	$(BIN)/python -m coach.place_index
	touch $(STAMP)

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
	scripts/ensure-postgres
	MPLCONFIGDIR=$${MPLCONFIGDIR:-$(CURDIR)/.cache/matplotlib} $(BIN)/python -m pytest -n 2 --dist loadfile

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
	$(BIN)/pybabel update -i $(LOCALES)/messages.pot -d $(LOCALES) -D messages --no-wrap \
		--ignore-obsolete
	$(BIN)/pybabel compile -d $(LOCALES) -D messages --statistics

# The load benchmarks (README: Benchmarks): about 15 minutes, writes BENCHMARKS.md.
# BENCH_QUICK=1 make bench: one repeat of smaller scenarios, a smoke run of a few minutes.
bench: $(STAMP)
	scripts/ensure-postgres
	MPLCONFIGDIR=$${MPLCONFIGDIR:-$(CURDIR)/.cache/matplotlib} PYTHONPATH=$(CURDIR) $(BIN)/python -m bench.suite

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache
