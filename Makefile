# Self-documenting: `make help` lists the targets with their `##` comments.
# Every target bootstraps .venv by itself, so `make reproduce` and `make test` work on a fresh machine
# that has only Python 3.11+ and make. The targets only call the `etude` CLI (or pytest).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install axe reproduce test lint lab demo bench clean-outputs

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@$(MAKE) --no-print-directory axe
	@touch $(STAMP)

# axe-core (the accessibility rules tests/test_accessibility.py runs in Chromium) is an npm package: fetched here,
# at install time, never by a test. Without npm, the install goes on and those tests are skipped, saying why.
AXE := .cache/axe/node_modules/axe-core/axe.min.js
axe: ## Install axe-core (npm) into .cache/axe for the accessibility tests
	@test -f $(AXE) || { command -v npm >/dev/null 2>&1 \
	  && npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@4 >/dev/null \
	  || echo "warning: npm absent or offline: axe-core not installed, the accessibility tests will be skipped" >&2; }

install: $(STAMP) ## Create .venv (if missing) and install the package with its test tools

reproduce: $(STAMP) ## Reproduce the whole study on the demo data; prints the run folder and report path
	$(BIN)/etude reproduce

test: lint ## Lint, then run the whole test suite (one process per core; see tests/conftest.py)
	$(BIN)/python -m pytest -q -n auto --dist loadgroup

lint: $(STAMP) ## Check the code with ruff (configured in pyproject.toml)
	$(BIN)/ruff check .

# The notebooks name the kernel "python3": JupyterLab started from .venv gives that name to .venv's own interpreter,
# so nothing is installed. Root (a container) needs --allow-root.
lab: $(STAMP) ## Open JupyterLab on notebooks/ with the project's interpreter (kernel "python3" of .venv)
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

demo: $(STAMP) ## Regenerate the simulated demo exports in data/demo/
	$(BIN)/etude demo

bench: $(STAMP) ## Run the benchmarks (prints ratios against in-process baselines)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean-outputs: ## Remove every run folder under outputs/ (keeps outputs/.gitkeep)
	find outputs -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +
