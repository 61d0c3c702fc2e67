# logsgd: `make run` (set-up + the main job), `make test` (set-up + tests), `make bench`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LOGSGD := $(VENV)/bin/logsgd
STAMP := $(VENV)/.logsgd-installed
APT_PACKAGES := ngspice libngspice0 klayout yosys iverilog
OUT := gds_out

.PHONY: setup system-packages test run bench

setup: system-packages $(STAMP)

# Debian packages: installed when missing and running as root, otherwise named.
system-packages:
	@need=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || need="$$need $$p"; done; \
	if [ -n "$$need" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$need"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$need >/dev/null; \
	  else \
	    echo "missing Debian packages:$$need (install them with: sudo apt-get install$$need)"; \
	  fi; \
	fi

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# This machine's pip configuration warns about missing local indexes; keep the log readable.
	$(PY) -m pip install -q -e '.[test]' 2>&1 | grep -v '^WARNING: Location' ; test $${PIPESTATUS[0]} -eq 0
	@touch $(STAMP)

test: setup
	$(VENV)/bin/pytest -q

run: setup
	$(LOGSGD) doctor
	$(LOGSGD) char --device nfet_01v8 --w 2 --l 1 --corner tt --temp 27 \
	  --json $(OUT)/char_nfet_01v8.json --plot $(OUT)/char_nfet_01v8.png
	$(LOGSGD) char --device pfet_01v8 --w 2 --l 1 --corner tt --temp 27 \
	  --json $(OUT)/char_pfet_01v8.json --plot $(OUT)/char_pfet_01v8.png
	$(LOGSGD) flow --config configs/default.yaml --out $(OUT)/sgdr_array

bench: setup
	$(PY) bench/run.py
