# Quick start:  make demo   (set up and run on the bundled seeds)
#               make test   (set up and run lint + tests)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SHARED ?= ../shared
SEEDS  := $(SHARED)/examples/seeds
DEMO_DB := build/demo.db

.PHONY: demo test lint install install-test install-browser bench clean

$(BIN)/python:
	@echo "storytrace: creating the virtual environment $(VENV) …"
	$(PYTHON) -m venv $(VENV)
	@echo "storytrace: upgrading pip …"
	$(BIN)/pip install -q --upgrade pip

# What a user needs: the CLI and the web UI (`storytrace serve`), with sentence embeddings.
# torch is pinned first: 2.13.0 is a CPU build already on disk; an unpinned one
# would pull several GB of CUDA packages. The semantic extra then finds it installed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "storytrace: installing torch==2.13.0 (CPU build; step 1 of 2, the longest) …"
	$(BIN)/pip install torch==2.13.0
	@echo "storytrace: installing storytrace with the semantic and web extras (step 2 of 2) …"
	$(BIN)/pip install -e '.[semantic,web]'
	@echo "storytrace: installed in $(VENV) (CLI: $(BIN)/storytrace)"
	touch $@

# The test tools (pytest, hypothesis, ruff, httpx, playwright) and the Spark engine.
$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	@echo "storytrace: installing the test and spark extras …"
	$(BIN)/pip install -e '.[semantic,web,test,spark]'
	touch $@

# Debian's chromium for the browser tests (Playwright drives it; nothing is downloaded).
install-browser:
	sh scripts/install-browser.sh

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

demo: install
	@mkdir -p build
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/storytrace ingest $(SEEDS) --db $(DEMO_DB)
	$(BIN)/storytrace ls --db $(DEMO_DB)
	$(BIN)/storytrace compare $(SEEDS)/000_d761ffa0f73a1395.txt $(SEEDS)/001_36f01ec5b307d8ad.txt
	$(BIN)/storytrace trace --db $(DEMO_DB) --html build/seeds-stories.html
	@echo "HTML report of the seeds:"
	@$(BIN)/storytrace compare $(SEEDS)/000_d761ffa0f73a1395.txt $(SEEDS)/001_36f01ec5b307d8ad.txt --format html -o build/seeds-report.html
	@echo "storytrace: to browse the demo store in a web browser: $(BIN)/storytrace serve --db $(DEMO_DB)"

lint: install-test
	$(BIN)/ruff check src tests bench fuzz

test: lint install-browser
	@$(BIN)/pytest -q; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: treating as failure"; exit 1; fi; \
	exit $$rc

bench: install
	$(BIN)/pip install -q -e ".[semantic,bench]"
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/align_speed.py --pairs 300
	$(BIN)/python bench/minhash_speed.py --n 20000
	$(BIN)/python bench/trace_scale.py --n 100000

clean:
	rm -rf build .pytest_cache
