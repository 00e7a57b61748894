# Two commands for a newcomer: `make demo` and `make test`. Each sets up .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODEL_DIR ?= $(abspath ../shared/models/all-MiniLM-L6-v2/onnx)

.PHONY: demo test lint format run clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	LIVEPMO_EMBEDDING_MODEL_DIR=$${LIVEPMO_EMBEDDING_MODEL_DIR:-$(MODEL_DIR)} $(BIN)/livepmo demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	LIVEPMO_EMBEDDING_MODEL_DIR=$${LIVEPMO_EMBEDDING_MODEL_DIR:-$(MODEL_DIR)} \
		$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

run: $(STAMP)
	$(BIN)/livepmo run

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
