# Two entry points for a fresh machine (Python 3.11, git, make; kubectl for `kubectl kustomize`):
#   make demo   - the GitOps tutorial's commands against the local emulator (installs requirements-demo.txt only)
#   make test   - the whole test suite (lint, unit, emulator contract, end-to-end, playback; adds requirements-dev.txt)
#   make wheel  - dist/*.whl of the extension, with nothing but Python and pip
SHELL  := bash
.SHELLFLAGS := -o pipefail -c
# a pip configuration naming local indexes that do not exist warns once per package: filter that noise only
QUIET_PIP := { grep -v "is ignored: it is neither" || true; }
# pip with visible progress: one "Collecting NAME" line per package, then "Installing collected packages" (the
# long silent step), then the summary; download bars, "already satisfied" and that noise are left out.
PIP_PROGRESS := awk '!/is ignored: it is neither|^Requirement already satisfied|^ / { print substr($$0, 1, 150); fflush() }'
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --disable-pip-version-check --progress-bar off
STAMP  := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: venv dev extdev prereqs demo test lint unit wheel bench clean

# `venv`: what the demo needs (requirements-demo.txt, the emulator, this extension as a dev source).
# `dev`: that plus the test and lint tools (requirements-dev.txt).
venv: $(STAMP)
dev: $(DEV_STAMP)

$(STAMP): requirements-demo.txt setup.py k8sconfig_emulator/pyproject.toml
	@echo "==> $(VENV): azure-cli, the Flux SDKs and the emulator's libraries (requirements-demo.txt)."
	@echo "    pip lists each package as it collects it; installing them takes a minute or two."
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements-demo.txt 2>&1 | $(PIP_PROGRESS)
	@echo "==> the emulator (k8sconfig-emulator), editable"
	$(PIP) -e ./k8sconfig_emulator 2>&1 | $(PIP_PROGRESS)
	$(BIN)/python -c "import azure.cli.core, k8sconfig_emulator, azure.mgmt.kubernetesconfiguration.fluxconfigurations"
	$(MAKE) --no-print-directory extdev
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	@echo "==> $(VENV): test and lint tools (requirements-dev.txt)"
	$(PIP) -r requirements-dev.txt 2>&1 | $(PIP_PROGRESS)
	touch $(DEV_STAMP)

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
lint: dev
	$(BIN)/ruff check azext_k8s_configuration k8sconfig_emulator tests bench scripts
	bash scripts/azdev_lint.sh

test: prereqs dev lint
	$(BIN)/python -m pytest -n 2 --dist loadfile -q -p no:cacheprovider tests

# Needs only Python with pip (setuptools is fetched into pip's isolated build environment), no .venv.
wheel:
	rm -rf dist && $(PYTHON) -m pip wheel -q --disable-pip-version-check --no-deps -w dist . 2>&1 | $(QUIET_PIP)
	ls dist/*.whl

bench: dev
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .demo dist build *.egg-info
