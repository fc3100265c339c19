#!/usr/bin/env bash
# The GitOps tutorial ("Deploy applications using GitOps with Flux v2") against the local emulator.
# Run through `make demo`, which puts .venv/bin first on PATH. Leaves nothing running; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$ROOT/.demo
DATA=$WORK/emulator
TUTORIAL_URL=https://github.com/Azure/gitops-flux2-kustomize-helm-mt

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { say "$*"; "$@"; }

stop_emulator() { k8sconfig-emulator stop --data-dir "$DATA" >/dev/null 2>&1 || true; }
trap stop_emulator EXIT

rm -rf "$WORK"
mkdir -p "$WORK"

# Azure, played by the emulator. --demo-repo answers the tutorial's GitHub URL from the bundled copy of
# examples/gitops-demo (our own content with the tutorial's shape), so the tutorial's exact commands run
# with no internet.
k8sconfig-emulator start --port 0 --data-dir "$DATA" --detach --demo-repo
eval "$(k8sconfig-emulator env --data-dir "$DATA")"
export AZURE_EXTENSION_DEV_SOURCES=$ROOT/.venv/extdev

run az group create -n flux-demo-rg -l eastus -o none
say "k8sconfig-emulator cluster add flux-demo-arc -g flux-demo-rg -t connectedClusters   # stands in for 'az connectedk8s connect'"
k8sconfig-emulator cluster add flux-demo-arc -g flux-demo-rg -t connectedClusters --data-dir "$DATA" >/dev/null

run az k8s-configuration flux create -g flux-demo-rg -c flux-demo-arc -n cluster-config \
  --namespace cluster-config -t connectedClusters --scope cluster \
  -u "$TUTORIAL_URL" --branch main \
  --kustomization name=infra path=./infrastructure prune=true \
  --kustomization name=apps path=./apps/staging prune=true 'dependsOn=["infra"]' -o table

# The tutorial checks `flux show` until the configuration is Compliant.
state=""
for _ in $(seq 1 60); do
  state=$(az k8s-configuration flux show -g flux-demo-rg -c flux-demo-arc -n cluster-config \
          -t connectedClusters --query complianceState -o tsv 2>/dev/null || true)
  [ "$state" = "Compliant" ] && break
  sleep 1
done
run az k8s-configuration flux show -g flux-demo-rg -c flux-demo-arc -n cluster-config -t connectedClusters -o table
if [ "$state" != "Compliant" ]; then
  echo "The configuration did not become Compliant (last state: ${state:-unknown})." >&2
  exit 1
fi

run az k8s-configuration flux kustomization list -g flux-demo-rg -c flux-demo-arc -n cluster-config \
  -t connectedClusters -o table
run az k8s-configuration flux deployed-object list -g flux-demo-rg -c flux-demo-arc -n cluster-config \
  -t connectedClusters -o table
say "k8sconfig-emulator cluster objects flux-demo-arc -g flux-demo-rg   # like 'kubectl get namespaces,helmreleases -A'"
k8sconfig-emulator cluster objects flux-demo-arc -g flux-demo-rg -t connectedClusters --data-dir "$DATA" -o table

run az k8s-configuration flux delete -g flux-demo-rg -c flux-demo-arc -n cluster-config -t connectedClusters --yes
run az k8s-configuration flux list -g flux-demo-rg -c flux-demo-arc -t connectedClusters -o table

printf '\nDemo finished: the tutorial ran end to end against the local emulator.\n'
