# The README's commands. Each target sets up .venv first, so a fresh clone needs only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test check serve bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@# the generator's bytecode, as pip writes it for installed packages (an editable install's is not): each build
	@# and MkDocs run otherwise compiles the modules again where Python may not write it (PYTHONDONTWRITEBYTECODE)
	$(BIN)/python -m compileall -q generator bench >/dev/null
	touch $(STAMP)

build: $(STAMP)  ## set up and build the handbook into site/
	$(BIN)/handbook build

serve: $(STAMP)  ## preview on http://127.0.0.1:8000, rebuilding on changes
	$(BIN)/handbook serve

bench: $(STAMP)  ## benchmark build, preview, page weight and scale (BENCH_ARGS="--quick" skips the 100x build)
	$(BIN)/python -m bench $(BENCH_ARGS)

check: $(STAMP)  ## validate services.yaml and site_config.yml
	$(BIN)/handbook check

test: $(STAMP)  ## set up and run every test
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) site .pytest_cache
