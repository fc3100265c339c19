#!/usr/bin/env bash
# `azdev style` and `azdev linter` on this extension, fully offline, with no rule exclusions.
# azdev expects an azure-cli checkout and `azdev setup` (which needs GitHub); instead we give it, under
# <venv>/azdev/, the config it reads: the extension repo path, a stand-in CLI repo holding the one file
# azdev loads at import time (scripts/ci/cmdcov.yml), and its own pylint/flake8 config files.
# Everything it writes (config, az config dir, pylint stats, bytecode, logs) stays under <venv>/azdev/.
# Exit status: non-zero when either command fails, including the cases where azdev itself exits 0 (see below).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${AZDEV_VENV:-$ROOT/.venv}
STATE=$VENV/azdev
EXTDEV=$ROOT/.venv/extdev
# azdev names an extension after the directory holding its *.egg-info, and the repository directory can have
# any name. `azdev style` is run on the repository itself (its module name, azext_k8s_configuration, selects
# it; pylint must see the real path). `azdev linter` must match the commands az loads from the dev source
# `.venv/extdev/k8s-configuration -> ../..` (made by `make extdev`) to the extension, so it is pointed at that
# link, where the extension is known by its real name.
EXT_NAME=k8s-configuration
EXT_DIR=$EXTDEV/$EXT_NAME

export VIRTUAL_ENV=$VENV PATH=$VENV/bin:$PATH
export AZDEV_CONFIG_DIR=$STATE/config AZDEV_CLI_REPO_PATH=$STATE/cli-repo
export AZURE_CONFIG_DIR=$STATE/azure AZURE_EXTENSION_DEV_SOURCES=$EXTDEV AZURE_CORE_COLLECT_TELEMETRY=false
export PYLINTHOME=$STATE/pylint PYTHONPYCACHEPREFIX=$STATE/pycache

if ! ls -d "$ROOT"/*.egg-info >/dev/null 2>&1; then
    echo "error: no *.egg-info at the repository root; run 'make extdev' first." >&2
    exit 2
fi
mkdir -p "$EXTDEV"
[ -e "$EXT_DIR" ] || ln -s ../.. "$EXT_DIR"

mkdir -p "$AZDEV_CLI_REPO_PATH/scripts/ci" "$AZURE_CONFIG_DIR" "$PYLINTHOME"
python - "$AZDEV_CLI_REPO_PATH/scripts/ci/cmdcov.yml" <<'PY'
import sys, yaml
# The keys azdev reads from the CLI repository's command-coverage config (values only matter for `cmdcov`).
config = {
    "CMD_PATTERN": [r"self.cmd\(.*?\)", r"self.cmd\(.*", r"cmd\(.*?\)", r"cmd\(.*"],
    "QUO_PATTERN": r"""["'](.*?)["']""", "END_PATTERN": r"(\)|checks=|,\n)", "DOCS_END_PATTERN": r"\n",
    "NOT_END_PATTERN": r"^\s*$", "NUMBER_SIGN_PATTERN": r"^\s*#", "ENCODING": "utf-8",
    "GLOBAL_PARAMETERS": [], "GENERIC_UPDATE_PARAMETERS": [], "WAIT_CONDITION_PARAMETERS": [],
    "OTHER_PARAMETERS": [], "EXCLUDE_COMMANDS": [], "GLOBAL_EXCLUDE_COMMANDS": [], "EXCLUDE_MODULES": [],
    "CLI_OWN_MODULES": [], "RED": "red", "ORANGE": "orange", "GREEN": "green", "BLUE": "blue", "GOLD": "gold",
    "RED_PCT": 30, "ORANGE_PCT": 60, "GREEN_PCT": 80, "BLUE_PCT": 100,
}
with open(sys.argv[1], "w") as fh:
    yaml.safe_dump(config, fh)
PY
# azdev keeps one config dir per virtualenv: <AZDEV_CONFIG_DIR>/env_config/<venv path>/config_files
CONFIG_FILES=$AZDEV_CONFIG_DIR/env_config$VENV/config_files
mkdir -p "$CONFIG_FILES"
find "$(python -c 'import azdev, os; print(os.path.dirname(azdev.__file__))')/config" -maxdepth 1 -type f \
    -exec cp {} "$CONFIG_FILES/" \;

# Run one azdev command, showing its output, and decide from both its exit status and its output:
# azdev exits 0 when it selected nothing to check ("No commands selected"), and prints "Pylint: PASSED"
# even when pylint failed, so the output must also be free of failure markers and show the success markers.
run_azdev() {  # run_azdev LOG REQUIRED_MARKER... -- AZDEV_ARGS...
    local log=$1 status=0 marker markers=()
    shift
    while [ "$1" != "--" ]; do markers+=("$1"); shift; done
    shift
    azdev "$@" 2>&1 | tee "$log" || status=$?
    if grep -Eq "FAIL|No commands selected|No modules selected|unrecognized modules|Traceback" "$log"; then
        [ "$status" -ne 0 ] || status=1
    fi
    for marker in "${markers[@]}"; do
        if ! grep -Fq "$marker" "$log"; then
            echo "azdev_lint: '$marker' is missing from the output of 'azdev $1'" >&2
            [ "$status" -ne 0 ] || status=1
        fi
    done
    return "$status"
}

failed=0
# flake8 reads the repository's setup.cfg (extension files only) from the working directory, $ROOT.
AZDEV_EXT_REPO_PATHS=$ROOT run_azdev "$STATE/style.log" "Extensions: azext_k8s_configuration" "Flake8: PASSED" -- \
    style azext_k8s_configuration || failed=1
# command_test_coverage is left out: it downloads its configuration from the internet.
AZDEV_EXT_REPO_PATHS=$EXT_DIR run_azdev "$STATE/linter.log" "Modules: $EXT_NAME" \
    "No violations found for linter rules." "Linter: PASSED" -- \
    linter "$EXT_NAME" -t command_groups commands help_entries params || failed=1
if [ "$failed" -ne 0 ]; then
    echo "azdev_lint: FAILED" >&2
    exit 1
fi
echo "azdev_lint: style and linter passed for $EXT_NAME"
