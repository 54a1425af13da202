# resprop: build the environment, execute the chapters, render the offline book, run the tests.
#
#   make book       set up if needed, execute every chapter, render build/html/   (the main job)
#   make test       set up if needed, lint, then the test suite (which executes every chapter)
#   make figures    execute every chapter into build/notebooks/ and figures/<chapter>/
#   make figures PROFILE=full DEVICE=cuda     the GPU-sized run
#   make bench      the sampler benchmark
#   make screenshot headless-Chromium screenshots of every page, and the layout check at 1280 px
#   make readme     rewrite the README's measured sections (timings, headline caption)
#
# Environment: a virtual environment in .venv, or the active conda environment when one other
# than `base` is active (conda env create -f environment.yml && conda activate resprop); force
# either with `make VENV=.venv` or `make VENV=$$CONDA_PREFIX`.

PROFILE ?= quick
DEVICE  ?= auto
SEED    ?= 0
PYTHON  ?= python3
ifneq ($(and $(CONDA_PREFIX),$(filter-out base,$(CONDA_DEFAULT_ENV))),)
VENV    ?= $(CONDA_PREFIX)
CONDA_ENV := $(VENV)
else
VENV    ?= .venv
endif
PY      := $(VENV)/bin/python
# The setup stamp lives in the venv it describes; a conda environment's is kept under build/.
STAMP   := $(if $(filter .venv,$(VENV)),$(VENV)/.installed,build/setup-$(notdir $(VENV)).stamp)
# This checkout's library first, whatever is installed.
export PYTHONPATH := $(CURDIR)/lib$(if $(PYTHONPATH),:$(PYTHONPATH))

CHAPTERS  := $(sort $(wildcard chapters/*.py))
NOTEBOOKS := $(patsubst chapters/%.py,build/notebooks/%.ipynb,$(CHAPTERS))
LIBRARY   := $(shell find lib -name '*.py' -not -path '*/__pycache__/*')
MATHJAX   := node_modules/mathjax/es5
CHROMIUM  := $(firstword $(shell command -v chromium chromium-browser 2>/dev/null))

.PHONY: all setup figures book readme readme-figure check-book screenshot test lint bench clean
.DELETE_ON_ERROR:

all: book

# ---- environment ------------------------------------------------------------------------
setup: $(STAMP)

$(STAMP): pyproject.toml package.json package-lock.json
	@echo "== setup: $(if $(CONDA_ENV),conda environment,virtual environment) $(VENV), MathJax from npm"
	@t0=$$(date +%s); mkdir -p $(dir $@); \
	$(if $(CONDA_ENV),,test -x $(PY) || $(PYTHON) -m venv $(VENV);) \
	$(PY) -m pip install --quiet --upgrade pip && \
	$(PY) -m pip install --quiet -e '.[book,dev]' && \
	npm ci --no-audit --no-fund --silent && \
	touch $@ && echo "== setup done in $$(( $$(date +%s) - t0 )) s"

# ---- chapters -> executed notebooks, figures and claims --------------------------------
figures: $(NOTEBOOKS)

# Re-execute when the profile, device or seed changes, not only when sources do: the stamp is
# named by the values and (re)created only when they differ from the last run's, so `make -n`
# on a built tree lists nothing.
RUN_STAMP := build/run-$(PROFILE)-$(DEVICE)-$(SEED).stamp

$(RUN_STAMP):
	@mkdir -p build && rm -f build/run-*.stamp && touch $@

build/notebooks/%.ipynb: chapters/%.py $(LIBRARY) $(RUN_STAMP) | $(STAMP)
	@$(PY) -m resprop.book execute $< build/notebooks \
	    --profile $(PROFILE) --device $(DEVICE) --seed $(SEED)

# ---- the book ---------------------------------------------------------------------------
book: build/html/index.html
	@echo "== the book is at file://$(CURDIR)/build/html/index.html"

BOOK_SOURCES := $(shell find book -type f -not -path 'book/_build/*')

build/html/index.html: $(NOTEBOOKS) $(BOOK_SOURCES) $(LIBRARY) | $(STAMP)
	@echo "== book: rendering executed notebooks (execution off)"
	@t0=$$(date +%s); \
	rm -rf build/book build/jupyter-book && mkdir -p build/book/_assets/mathjax build/book/chapters && \
	cp -r book/. build/book/ && cp $(NOTEBOOKS) build/book/ && cp $(CHAPTERS) build/book/chapters/ && \
	cp -r figures build/book/figures && \
	cp -r $(MATHJAX)/tex-chtml.js $(MATHJAX)/input $(MATHJAX)/output $(MATHJAX)/ui \
	      $(MATHJAX)/a11y $(MATHJAX)/sre $(MATHJAX)/adaptors build/book/_assets/mathjax/ && \
	$(PY) -m resprop.book scorecard build/claims build/book/scorecard.md && \
	$(PY) -m resprop.book summary build/claims build/book/summary.md && \
	$(PY) -m resprop.book api build/book/api_modules.md && \
	$(VENV)/bin/jupyter-book build build/book --path-output build/jupyter-book -W --keep-going -q && \
	rm -rf build/html && mv build/jupyter-book/_build/html build/html && \
	$(PY) -m resprop.book check-offline build/html && \
	$(PY) -m resprop.book check-html build/html && \
	echo "== book done in $$(( $$(date +%s) - t0 )) s"

# The README's figure is a copy of the introduction's, regenerated, never edited by hand.
readme-figure: build/notebooks/00_introduction.ipynb
	@mkdir -p book/images && cp figures/00_introduction/kernel_vs_depth.png book/images/
	@echo "book/images/kernel_vs_depth.png updated"

# The README's timings and headline caption, from build/timings.json, build/ci-times.json and
# the headline figure's sidecar: never edited by hand.
readme: | $(STAMP)
	@$(PY) -m resprop.readme README.md

check-book: book
	@$(PY) -m resprop.book check-offline build/html
	@$(PY) -m resprop.book check-html build/html

CHROME_FLAGS := --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
	--disable-component-update --disable-sync --hide-scrollbars --virtual-time-budget=8000

# Screenshots of every page at 1280 px, a check that MathJax (served locally) typeset the math,
# and the layout measured in the browser: no table wider than its column, no horizontally
# scrolling box taller than the window.
screenshot: book
	@test -n "$(CHROMIUM)" || { echo "chromium not found: apt-get install chromium"; exit 1; }
	@mkdir -p build/screenshots
	@for page in $$(cd build/html && ls *.html | grep -v -e '^genindex' -e '^search' -e '^py-modindex' | sed 's/\.html$$//'); do \
	  $(CHROMIUM) $(CHROME_FLAGS) --user-data-dir=$$(mktemp -d) --window-size=1280,1600 \
	    --screenshot=build/screenshots/$$page.png file://$(CURDIR)/build/html/$$page.html \
	    2>/dev/null && echo "build/screenshots/$$page.png"; \
	done
	@n=$$($(CHROMIUM) $(CHROME_FLAGS) --user-data-dir=$$(mktemp -d) --dump-dom \
	    file://$(CURDIR)/build/html/00_introduction.html 2>/dev/null | grep -c '<mjx-container'); \
	test "$$n" -gt 0 || { echo "no math rendered on the introduction page"; exit 1; }; \
	echo "rendered math: $$n MathJax containers on the introduction page (offline)"
	@$(PY) -m resprop.book check-layout build/html --chromium $(CHROMIUM)

# ---- quality ----------------------------------------------------------------------------
lint: $(STAMP)
	$(VENV)/bin/ruff check lib tests chapters
	$(VENV)/bin/ruff format --check lib tests chapters

# The chapters execute first, through make, so their per-cell progress reaches the terminal;
# the chapter tests then find them up to date.
test: lint figures
	$(VENV)/bin/pytest

bench: $(STAMP)
	$(PY) -m resprop.bench

clean:
	rm -rf build figures
