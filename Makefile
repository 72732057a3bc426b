# 反诈案例库 · Anti-Scam Casebook. Run `make help` for the list of tasks.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.DEFAULT_GOAL := help
.PHONY: help install system-deps site-deps validate schema test serve serve-en site site-zensical bench clean new fmt i18n i18n-stamp docs copycheck open-data

help: ## list every task with one line each
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[site,test]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP) ## create .venv and install the fanzha package with everything it needs

system-deps: ## install Debian packages the tests need (chromium, CJK font, poppler, zbar) when missing
	bash scripts/install-system-deps.sh

site-deps: ## install the Debian packages building the site needs (CJK font, Pango) when missing
	bash scripts/install-system-deps.sh --site

validate: $(STAMP) ## check every case and data file (add STRICT=1 to fail on warnings)
	$(BIN)/fanzha validate $(if $(STRICT),--strict)

schema: $(STAMP) ## regenerate schema/*.schema.json from the model
	$(BIN)/fanzha schema

new: $(STAMP) ## start a case file from the template: make new ID=... TYPE=... TITLE=... (asks for what is missing)
	$(BIN)/fanzha new $(if $(ID),--id '$(ID)') $(if $(TYPE),--type '$(TYPE)') $(if $(TITLE),--title '$(TITLE)') $(if $(SOURCE),--source '$(SOURCE)')

fmt: $(STAMP) ## put case and data files in canonical form, comments kept (CHECK=1 only lists the others)
	$(BIN)/fanzha fmt $(if $(CHECK),--check)

i18n: $(STAMP) ## list English texts that are missing or outdated, with the translation coverage
	$(BIN)/fanzha i18n

i18n-stamp: $(STAMP) ## record en_from for every English text that has none yet (after translating)
	$(BIN)/fanzha i18n --stamp

copycheck: $(STAMP) ## list texts that share 20+ characters with a saved source article: make copycheck ARTICLE=article.txt [FILES=cases/x.yml]
	@test -n '$(ARTICLE)' || { echo "usage: make copycheck ARTICLE=path/to/article.txt [FILES='cases/x.yml data/advice.yml']"; exit 2; }
	$(BIN)/fanzha copycheck '$(ARTICLE)' $(FILES)

open-data: $(STAMP) ## write cases.json, cases.csv and the JSON Schemas into build/export/ (OUT=dir to choose)
	$(BIN)/fanzha export $(if $(OUT),--out '$(OUT)')

docs: $(STAMP) ## regenerate the field reference and the code table in CONTRIBUTING.md from the model
	$(BIN)/fanzha docs

site: $(STAMP) site-deps ## build the complete static site into site/ (both languages)
	$(BIN)/fanzha build

ZENSICAL_VENV := .venv-zensical
$(ZENSICAL_VENV)/bin/zensical:
	test -x $(ZENSICAL_VENV)/bin/python || $(PYTHON) -m venv $(ZENSICAL_VENV)
	$(ZENSICAL_VENV)/bin/python -m pip install --quiet 'zensical==0.0.73'

site-zensical: $(STAMP) site-deps $(ZENSICAL_VENV)/bin/zensical ## build the same site with Zensical (Material's successor) into site/
	$(BIN)/fanzha build --engine zensical

serve: $(STAMP) site-deps ## generate and serve the Chinese site at http://127.0.0.1:8000, rebuilding on every change
	$(BIN)/fanzha generate
	$(BIN)/mkdocs serve --dirty -f mkdocs.yml -a 127.0.0.1:8000

serve-en: $(STAMP) site-deps ## the same for the English site, at http://127.0.0.1:8001/
	$(BIN)/fanzha generate
	$(BIN)/mkdocs serve --dirty -f mkdocs.en.yml -a 127.0.0.1:8001

# Accessibility and HTML checkers for the tests, from the npm registry (no browser downloads: --ignore-scripts).
TOOLS := .tools/node_modules
$(TOOLS)/axe-core/axe.min.js: | system-deps
	npm install --prefix .tools --ignore-scripts --no-audit --no-fund --silent axe-core@4.10.3 vnu-jar@26.9.27

test: $(STAMP) system-deps $(ZENSICAL_VENV)/bin/zensical $(TOOLS)/axe-core/axe.min.js ## run the whole test suite (installs what it needs)
	$(BIN)/python -m pytest -q

bench: $(STAMP) ## print the benchmark report (build, generation, page and search sizes, serve, Lighthouse, validation; QUICK=1 is faster)
	$(if $(QUICK),,test -x .tools/node_modules/.bin/lighthouse || npm install --prefix .tools --no-audit --no-fund --silent lighthouse@12.8.2)
	$(BIN)/python scripts/benchmark.py $(if $(QUICK),--quick)

clean: ## remove generated files (build/, site/)
	rm -rf build site
