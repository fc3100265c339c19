# Two entry points for a fresh machine (Python 3.11, git, make; kubectl for `kubectl kustomize`):
#   make demo   - the GitOps tutorial's commands against the local emulator
#   make test   - the whole test suite (lint, unit, emulator contract, end-to-end, playback)
SHELL  := bash
.SHELLFLAGS := -o pipefail -c
# a pip configuration naming local indexes that do not exist warns once per package: filter that noise only
QUIET_PIP := { grep -v "is ignored: it is neither" || true; }
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: venv extdev prereqs demo test lint unit wheel bench clean

venv: $(STAMP)

$(STAMP): requirements-dev.txt setup.py k8sconfig_emulator/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt 2>&1 | $(QUIET_PIP)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e ./k8sconfig_emulator 2>&1 | $(QUIET_PIP)
	$(BIN)/python -c "import azure.cli.core, k8sconfig_emulator, azure.mgmt.kubernetesconfiguration.fluxconfigurations"
	$(MAKE) --no-print-directory extdev
	touch $(STAMP)

# Load the extension into az straight from this checkout (edits are live):
# AZURE_EXTENSION_DEV_SOURCES=$(CURDIR)/.venv/extdev
extdev:
	$(BIN)/python setup.py -q egg_info >/dev/null
	mkdir -p $(VENV)/extdev
	ln -sfn ../.. $(VENV)/extdev/k8s-configuration

# The emulated cluster builds kustomizations with `kubectl kustomize` (or a `kustomize` binary), like Flux.
prereqs:
	@command -v git >/dev/null || { echo "git is required (the emulator fetches git sources)"; exit 1; }
	@command -v kubectl >/dev/null || command -v kustomize >/dev/null || { \
	  echo "kubectl (or kustomize) is required: the emulated cluster runs 'kubectl kustomize' like Flux does."; \
	  echo "Install kubectl, e.g. from your distribution or https://kubernetes.io/docs/tasks/tools/"; exit 1; }

demo: prereqs venv
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo.sh

# ruff on everything, then the Azure CLI's own bar for the extension: `azdev style` (pylint + flake8) and
# `azdev linter` (command groups, commands, help entries, parameters), offline and without rule exclusions.
lint: venv
	$(BIN)/ruff check azext_k8s_configuration k8sconfig_emulator tests bench scripts
	bash scripts/azdev_lint.sh

test: prereqs venv lint
	$(BIN)/python -m pytest -q -p no:cacheprovider tests

wheel: venv
	rm -rf dist && $(BIN)/python -m pip wheel -q --no-deps -w dist . 2>&1 | $(QUIET_PIP)
	ls dist/*.whl

bench: venv
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .demo dist build *.egg-info
