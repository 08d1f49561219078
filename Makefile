# The two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test venv lint clean

# Create the virtualenv with the first Python >= 3.12 found, and install the pinned requirements.
$(VENV)/.installed: requirements.txt
	@scripts/venv.sh
	@touch $@

venv: $(VENV)/.installed

run: venv
	@scripts/run.sh $(PORT)

test: venv
	@scripts/test.sh

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf .run $(VENV)
