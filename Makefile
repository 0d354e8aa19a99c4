# `make chat` and `make test` work on a fresh machine: the first run creates
# .venv and installs presscon into it (torch's CPU wheel first, pinned).
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin
EVAL_INDEX ?= .presscon/eval-index
EVAL_WH_INDEX ?= .presscon/eval-wh-index
# the scraped Markdown of each White House briefing (its .txt twin is the same page)
WH_PAGES = $(filter-out %/README.md,$(wildcard $(SHARED)/corpus-wh/*.md))
SHARED ?= ../shared

.PHONY: install chat test eval bench

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

chat: install
	$(BIN)/presscon serve

test: install
	$(BIN)/python -m pytest

eval: install
	$(BIN)/presscon eval $(SHARED)/eval/dev_questions.jsonl --index $(EVAL_INDEX) --corpus $(SHARED)/corpus/txt --corpus data --compare
	$(BIN)/presscon eval $(SHARED)/eval/dev_hard.jsonl --index $(EVAL_INDEX) --corpus $(SHARED)/corpus/txt --corpus data --compare
	$(BIN)/presscon eval $(SHARED)/eval/wh_dev_questions.jsonl --index $(EVAL_WH_INDEX) $(foreach f,$(WH_PAGES),--corpus $(f)) --compare

bench: install
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done
