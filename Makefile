# MedCode Practice — the two set-up commands are `make start` and `make test` (see README).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
ROOT_FLAG := $(shell [ "$$(id -u)" = "0" ] && echo --allow-root)
PORT ?= 8888
LAB_FLAGS ?=

.PHONY: start test install install-test chromium hub-deps practice warm clean-cache

$(PY):
	python3 -m venv $(VENV)
	$(PIP) install --upgrade pip

# Re-install only when the project metadata changed.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PIP) install -e ".[test]"
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

warm: install
	$(VENV)/bin/medcode codesets build

## start: JupyterLab on the course (landing page: 00-welcome), nbgrader and Voila extensions enabled
start: warm
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) --notebook-dir=course --ServerApp.port=$(PORT) \
		--LabApp.default_url=/lab/tree/00-welcome.ipynb $(LAB_FLAGS)

## practice: the Voila practice apps for self-learners
practice: warm
	$(VENV)/bin/medcode practice --port $(PORT)

## chromium: Debian Chromium for the browser tests (installed when missing and apt is available)
chromium:
	@if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null; then \
		echo "installing Debian chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "could not install chromium: browser tests will be skipped"; \
	fi

## hub-deps: the JupyterHub proxy (configurable-http-proxy, from npm) for the hub test, in $(VENV)/hub-proxy
HUB_PROXY := $(VENV)/hub-proxy
hub-deps: $(HUB_PROXY)/.installed
$(HUB_PROXY)/.installed: deploy/jupyterhub/proxy/package.json deploy/jupyterhub/proxy/package-lock.json | $(PY)
	@if command -v npm >/dev/null; then \
		mkdir -p $(HUB_PROXY) && cp deploy/jupyterhub/proxy/package*.json $(HUB_PROXY)/ && \
		(cd $(HUB_PROXY) && npm ci --no-audit --no-fund --loglevel=error) && touch $@ \
		|| echo "could not install configurable-http-proxy: the hub test will fail and say so"; \
	else echo "npm not found: the hub test will be skipped"; fi

## test: the whole suite (unit, notebooks, nbgrader end-to-end, browser, hub)
test: install-test chromium hub-deps
	$(VENV)/bin/medcode codesets build
	$(VENV)/bin/python -m pytest -q

clean-cache:
	rm -rf "$${MEDCODE_CACHE_DIR:-$$HOME/.cache/medcode-practice}"
