# Frontdoor: `make run` to run the service, `make test` to test everything.
SHELL := /bin/bash
.DEFAULT_GOAL := help

-include .env
export RASA_TELEMETRY_ENABLED := false
export PYTHONPATH := $(CURDIR)
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
# Rasa's training cache, kept outside the checkout so that a fresh clone on the same machine
# (CI) restores unchanged components instead of training them again. Every component's cache
# key covers what it is trained from (bot/components/*.py add their own data files to it).
export RASA_CACHE_DIRECTORY ?= $(HOME)/.cache/frontdoor/rasa

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
RASA := $(BIN)/rasa
MODEL := models/frontdoor.tar.gz
STAMP := $(VENV)/.installed
TRAINING := bot/config.yml $(wildcard bot/domain/*.yml) $(wildcard data/nlu/*.yml) \
	$(wildcard data/rules/*.yml) $(wildcard bot/components/*.py) \
	$(wildcard data/safety/*.yml) frontdoor/safety/lexicon.yml \
	$(addprefix frontdoor/safety/,categories.py lexicon.py model.py ngrams.py training.py) \
	$(wildcard frontdoor/embeddings/*)
# The risk classifier's thresholds are set with the lexicon, so both train again when it changes.
RASA_DATA := --config bot/config.yml --domain bot/domain --data data/nlu data/rules
ACTIONS_PORT ?= 5055
export ACTIONS_PORT

.PHONY: nginx compose-schema run-scaled screenshots
.PHONY: help run test install train lint typecheck validate check pytest browser nlu-eval test-conversations shell requirements

help:
	@echo "make run    set up, train if needed, and start the assistant on SQLite"
	@echo "make test   set up and run every test"

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/pip install --quiet uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

requirements:
	$(BIN)/uv pip compile --quiet --python-version 3.11 --extra dev --no-header \
		--no-emit-index-url pyproject.toml -o requirements.txt

$(MODEL): $(TRAINING) | $(STAMP)
	mkdir -p models
	time $(RASA) train $(RASA_DATA) --out models --fixed-model-name frontdoor

train: $(MODEL)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Types, strict on frontdoor/, actions/ and bot/ (settings in pyproject.toml).
typecheck: $(STAMP)
	$(BIN)/mypy

# Rasa's data validation with --fail-on-warnings; a response counts as used when a rule or an
# action sends it (scripts/validate_data.py).
validate: $(STAMP)
	$(BIN)/python scripts/validate_data.py $(RASA_DATA)

# Before every commit, in under a minute: what would stop CI before a test runs.
check: lint typecheck $(STAMP)
	set -o pipefail; $(BIN)/pytest --collect-only -q -p no:cacheprovider | tail -1
	$(MAKE) --no-print-directory validate

db: $(STAMP)
	$(BIN)/frontdoor init-db
	$(BIN)/frontdoor import-directory

run: $(STAMP) $(MODEL) db
	$(BIN)/python -m frontdoor.runner --model $(MODEL)

shell: $(STAMP) $(MODEL)
	ACTIONS_TOKEN=$$($(BIN)/python -c 'from frontdoor.settings import get_settings; print(get_settings().actions_token)') \
	ACTIONS_URL=$$($(BIN)/python -c 'from frontdoor.settings import get_settings; print(get_settings().actions_url)') \
		$(RASA) shell --model $(MODEL) --endpoints bot/endpoints.yml

# Debian's chromium and axe-core for the console's browser tests (tests/console/browser).
browser:
	scripts/install_browser.sh

# The README's screenshots (docs/screenshots/), from the real pages: run again when they change.
screenshots: $(STAMP) $(MODEL) browser
	$(BIN)/python scripts/screenshots.py

# Debian's nginx, in front of the replicas in the scaled run and its tests (tests/scaled).
nginx:
	scripts/install_nginx.sh

# check-jsonschema, for the Compose Specification's JSON schema it ships (tests/deploy checks
# docker-compose.yml against it), in a virtual environment of its own: it needs a newer
# jsonschema than Rasa 3.6 allows.
CHECK_JSONSCHEMA := .tmp/check-jsonschema/bin/check-jsonschema
$(CHECK_JSONSCHEMA): | $(STAMP)
	$(BIN)/uv venv --quiet --python $(PYTHON) .tmp/check-jsonschema
	$(BIN)/uv pip install --quiet --python .tmp/check-jsonschema/bin/python check-jsonschema==0.39.0

compose-schema: $(CHECK_JSONSCHEMA)

# N Rasa servers and N action servers on PostgreSQL and Redis, the console, and nginx in front
# (frontdoor/scaled.py): make run-scaled REPLICAS=3. The database is created if missing.
REPLICAS ?= 2
SCALED_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/frontdoor_scaled
run-scaled: $(STAMP) $(MODEL) nginx
	DATABASE_URL=$(SCALED_DATABASE_URL) \
		$(BIN)/python -m frontdoor.scaled --replicas $(REPLICAS) --model $(MODEL)

# Frontdoor against a bare `rasa init` assistant under load, one replica and two behind nginx
# (PostgreSQL and Redis), then profiled: docs/benchmark.md. QUICK=1 for a smoke run.
.PHONY: benchmark-load
benchmark-load: $(STAMP) $(MODEL) nginx
	$(BIN)/python scripts/benchmark_load.py $(if $(QUICK),--quick)

pytest: $(STAMP) $(MODEL) browser nginx compose-schema
	$(BIN)/pytest --durations=40

nlu-eval: $(STAMP) $(MODEL)
	$(BIN)/python scripts/nlu_eval.py --model $(MODEL)

test-conversations: $(STAMP) $(MODEL)
	$(BIN)/python scripts/test_conversations.py --model $(MODEL)

test: $(STAMP)
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory lint typecheck validate train pytest nlu-eval test-conversations && \
	echo "make test passed in $$(( $$(date +%s) - start )) s"
