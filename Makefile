# resprop: build the environment, execute the chapters, render the offline book, run the tests.
#
#   make book       set up if needed, execute every chapter, render build/html/   (the main job)
#   make test       set up if needed, lint, then the test suite (which executes every chapter)
#   make figures    execute every chapter into build/notebooks/ and figures/<chapter>/
#   make figures PROFILE=full DEVICE=cuda     the GPU-sized run
#   make bench      the sampler benchmark
#   make screenshot headless-Chromium screenshots of the built book in build/screenshots/

PROFILE ?= quick
DEVICE  ?= auto
SEED    ?= 0
PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed

CHAPTERS  := $(sort $(wildcard chapters/*.py))
NOTEBOOKS := $(patsubst chapters/%.py,build/notebooks/%.ipynb,$(CHAPTERS))
LIBRARY   := $(shell find lib -name '*.py' -not -path '*/__pycache__/*')
MATHJAX   := node_modules/mathjax/es5
CHROMIUM  := $(firstword $(shell command -v chromium chromium-browser 2>/dev/null))

.PHONY: all setup figures book readme-figure check-book screenshot test lint bench clean FORCE
.DELETE_ON_ERROR:

all: book

# ---- environment ------------------------------------------------------------------------
setup: $(STAMP)

$(STAMP): pyproject.toml package.json package-lock.json
	@echo "== setup: virtual environment in $(VENV) and MathJax from npm"
	@t0=$$(date +%s); \
	test -x $(PY) || $(PYTHON) -m venv $(VENV); \
	$(PY) -m pip install --quiet --upgrade pip && \
	$(PY) -m pip install --quiet -e '.[book,dev]' && \
	npm ci --no-audit --no-fund --silent && \
	touch $@ && echo "== setup done in $$(( $$(date +%s) - t0 )) s"

# ---- chapters -> executed notebooks, figures and claims --------------------------------
figures: $(NOTEBOOKS)

# Re-execute when the profile or device changes, not only when sources do.
build/run.stamp: FORCE
	@mkdir -p build
	@echo "$(PROFILE) $(DEVICE) $(SEED)" | cmp -s - $@ || echo "$(PROFILE) $(DEVICE) $(SEED)" > $@

build/notebooks/%.ipynb: chapters/%.py $(LIBRARY) build/run.stamp | $(STAMP)
	@$(PY) -m resprop.book execute $< build/notebooks \
	    --profile $(PROFILE) --device $(DEVICE) --seed $(SEED)

# ---- the book ---------------------------------------------------------------------------
book: build/html/index.html
	@echo "== the book is at file://$(CURDIR)/build/html/index.html"

build/html/index.html: $(NOTEBOOKS) $(wildcard book/*) | $(STAMP)
	@echo "== book: rendering executed notebooks (execution off)"
	@t0=$$(date +%s); \
	rm -rf build/book build/jupyter-book && mkdir -p build/book/_assets/mathjax && \
	cp -r book/. build/book/ && cp $(NOTEBOOKS) build/book/ && \
	cp -r $(MATHJAX)/tex-chtml.js $(MATHJAX)/input $(MATHJAX)/output $(MATHJAX)/ui \
	      $(MATHJAX)/a11y $(MATHJAX)/sre $(MATHJAX)/adaptors build/book/_assets/mathjax/ && \
	$(PY) -m resprop.book scorecard build/claims build/book/scorecard.md && \
	$(VENV)/bin/jupyter-book build build/book --path-output build/jupyter-book -W --keep-going -q && \
	rm -rf build/html && mv build/jupyter-book/_build/html build/html && \
	$(PY) -m resprop.book check-offline build/html && \
	echo "== book done in $$(( $$(date +%s) - t0 )) s"

# The README's figure is a copy of the introduction's, regenerated, never edited by hand.
readme-figure: build/notebooks/00_introduction.ipynb
	@mkdir -p book/images && cp figures/00_introduction/kernel_vs_depth.png book/images/
	@echo "book/images/kernel_vs_depth.png updated"

check-book: book
	@$(PY) -m resprop.book check-offline build/html

CHROME_FLAGS := --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
	--disable-component-update --disable-sync --hide-scrollbars --virtual-time-budget=8000

# Screenshots of three pages, and a check that MathJax (served locally) really typeset the math.
screenshot: book
	@test -n "$(CHROMIUM)" || { echo "chromium not found: apt-get install chromium"; exit 1; }
	@mkdir -p build/screenshots
	@for page in index 00_introduction scorecard; do \
	  $(CHROMIUM) $(CHROME_FLAGS) --user-data-dir=$$(mktemp -d) --window-size=1280,1600 \
	    --screenshot=build/screenshots/$$page.png file://$(CURDIR)/build/html/$$page.html \
	    2>/dev/null && echo "build/screenshots/$$page.png"; \
	done
	@n=$$($(CHROMIUM) $(CHROME_FLAGS) --user-data-dir=$$(mktemp -d) --dump-dom \
	    file://$(CURDIR)/build/html/00_introduction.html 2>/dev/null | grep -c '<mjx-container'); \
	test "$$n" -gt 0 || { echo "no math rendered on the introduction page"; exit 1; }; \
	echo "rendered math: $$n MathJax containers on the introduction page (offline)"

# ---- quality ----------------------------------------------------------------------------
lint: $(STAMP)
	$(VENV)/bin/ruff check lib tests chapters
	$(VENV)/bin/ruff format --check lib tests chapters

test: lint
	$(VENV)/bin/pytest

bench: $(STAMP)
	$(PY) -m resprop.bench

clean:
	rm -rf build figures

FORCE:
