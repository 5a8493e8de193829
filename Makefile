# Shouhou: `make run` (install, migrate, demo data, serve with the worker) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE := shouhou.settings

.PHONY: run test lint format bench messages install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Re-install only when a lock file changes.
$(VENV)/.installed-base: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements/base.txt
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements/dev.txt
	touch $@ $(VENV)/.installed-base

install: $(VENV)/.installed-base
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py seed_demo --size small --if-empty
	$(BIN)/python manage.py demo_logins
	$(BIN)/honcho -f Procfile start

test: install-dev
	$(BIN)/pytest -n auto

# Every check runs, so that one run shows every problem; the target fails if any check failed.
lint: install-dev
	@status=0; \
	echo "ruff check"; $(BIN)/ruff check . || status=1; \
	echo "ruff format --check"; $(BIN)/ruff format --check . || status=1; \
	echo "mypy"; $(BIN)/mypy shouhou tests bench || status=1; \
	echo "makemigrations --check"; \
	$(BIN)/python manage.py makemigrations --check --dry-run || status=1; \
	exit $$status

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install-dev
	$(BIN)/python -m bench

# Extract and compile translations (needs GNU gettext; the compiled .mo files are committed).
messages: install-dev
	cd shouhou && ../$(BIN)/python ../manage.py makemessages -l zh_Hans --no-obsolete --no-location
	cd shouhou && ../$(BIN)/python ../manage.py compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) var/static .pytest_cache .mypy_cache .ruff_cache
