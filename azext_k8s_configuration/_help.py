"""Help texts (YAML) for every group and command of `az k8s-configuration`."""
from knack.help_files import helps

CLUSTER = "-g my-resource-group -c mycluster -t connectedClusters"

helps["k8s-configuration"] = """
type: group
short-summary: Manage GitOps configurations (Microsoft.KubernetesConfiguration) on Kubernetes clusters.
long-summary: Flux v2 configurations are under 'az k8s-configuration flux'. The list, show and delete commands
  directly under this group are for deprecated Flux v1 configurations only.
"""

helps["k8s-configuration flux"] = """
type: group
short-summary: Manage Flux v2 configurations on AKS, Arc-enabled and provisioned Kubernetes clusters.
long-summary: Secrets given with the *-file options are read locally and never printed. Every write supports
  --dry-run (print the request instead of sending it) and --no-wait; create and update (also of kustomizations)
  support --wait-for-compliance, which keeps polling after the write until the configuration is Compliant.
  On 'kustomization create/update', --wait true|false is the kustomization's own health-check setting.
"""

helps["k8s-configuration flux create"] = f"""
type: command
short-summary: Create a Flux v2 configuration (installs the microsoft.flux extension when it is missing).
long-summary: >
  Defaults: --kind git, --scope cluster, --namespace default, --suspend false. Without --kustomization a
  single kustomization 'kustomization-1' at the source root is created and a warning says so.
  The microsoft.flux extension is installed and waited for before the configuration is sent, also with
  --no-wait, because a configuration cannot be reconciled before the extension is ready.
  --dry-run validates everything offline (no login needed) and prints the PUT request with secrets redacted.
  --kustomization @FILE and --config-file take YAML or JSON (az passes an @FILE argument on as the file's
  content); a kustomization file holds one kustomization with a name, a list of them, or a map of name to
  kustomization, and errors name the place in it, such as kustomizations.apps.dependsOn[0].
examples:
  - name: Create the configuration of the GitOps tutorial (two kustomizations, apps depends on infra).
    text: az k8s-configuration flux create -g flux-demo-rg -c flux-demo-arc -n cluster-config --namespace cluster-config -t connectedClusters --scope cluster -u https://github.com/Azure/gitops-flux2-kustomize-helm-mt --branch main --kustomization name=infra path=./infrastructure prune=true --kustomization name=apps path=./apps/staging prune=true 'dependsOn=["infra"]'
  - name: Create a git configuration and wait until it is compliant on the cluster.
    text: az k8s-configuration flux create {CLUSTER} -n myconfig --scope cluster --namespace my-namespace --kind git --url https://github.com/Azure/arc-k8s-demo --branch main --kustomization name=my-kustomization --wait-for-compliance --compliance-timeout 15m
  - name: Read the kustomizations from a YAML or JSON file that maps each kustomization name to its settings.
    text: az k8s-configuration flux create {CLUSTER} -n myconfig --url https://github.com/Azure/arc-k8s-demo --branch main --kustomization @kustomizations.yaml
  - name: Create a configuration from a private git repository; the token is read from a file.
    text: az k8s-configuration flux create {CLUSTER} -n myconfig --url https://github.com/org/private-repo --branch main --https-user git --https-key-file ./token.txt --kustomization name=apps path=./apps
  - name: Create a configuration with an S3 bucket source.
    text: az k8s-configuration flux create {CLUSTER} -n myconfig --scope cluster --namespace my-namespace --kind bucket --url https://bucket-provider.minio.io --bucket-name my-bucket --bucket-access-key my-access-key --bucket-secret-key-file ./bucket-secret.txt --kustomization name=my-kustomization
  - name: Create a configuration with an Azure Blob source and a storage account key read from a file.
    text: az k8s-configuration flux create {CLUSTER} -n myconfig --scope cluster --namespace my-namespace --kind azblob --url https://mystorageaccount.blob.core.windows.net --container-name my-container --account-key-file ./account-key.txt --kustomization name=my-kustomization
  - name: Create a configuration with an OCI repository source using workload identity.
    text: az k8s-configuration flux create {CLUSTER} -n myconfig --scope cluster --namespace my-namespace --kind oci --url oci://ghcr.io/owner/repo/manifests/podinfo --tag latest --use-workload-identity --kustomization name=my-kustomization
  - name: Use postBuild substitution in a kustomization.
    text: az k8s-configuration flux create {CLUSTER} -n myconfig --url https://github.com/Azure/arc-k8s-demo --branch main --kustomization name=apps path=./apps substitute.cluster_env=prod substituteFrom=ConfigMap/cluster-vars
  - name: Show the request that would be sent, without sending it (no login needed).
    text: az k8s-configuration flux create {CLUSTER} -n myconfig --url https://github.com/Azure/arc-k8s-demo --branch main --kustomization name=apps path=./apps --dry-run
"""

helps["k8s-configuration flux update"] = f"""
type: command
short-summary: Update a Flux v2 configuration (one GET, then one merge PATCH with only what you give).
long-summary: >
  Kustomizations given with --kustomization are merged into the existing ones; fields you do not give keep
  their values. Changing --kind asks for confirmation (skip it with --yes) and removes the old source.
  --scope and --namespace cannot change after create. --dry-run reads the configuration once (GET) to
  compute the patch and prints it instead of sending it.
examples:
  - name: Point the configuration at another branch and change a kustomization path.
    text: az k8s-configuration flux update {CLUSTER} -n myconfig --url https://github.com/Azure/arc-k8s-demo --branch main --kustomization name=my-kustomization path=./my/new-path
  - name: Allow an insecure (non-TLS) bucket.
    text: az k8s-configuration flux update {CLUSTER} -n myconfig --bucket-insecure
  - name: Sync another Azure Blob container.
    text: az k8s-configuration flux update {CLUSTER} -n myconfig --container-name other-container
  - name: Allow an insecure OCI registry.
    text: az k8s-configuration flux update {CLUSTER} -n myconfig --oci-insecure
  - name: Suspend reconciliation.
    text: az k8s-configuration flux update {CLUSTER} -n myconfig --suspend
  - name: Change the branch and wait until the cluster is compliant again.
    text: az k8s-configuration flux update {CLUSTER} -n myconfig --branch release --wait-for-compliance
"""

helps["k8s-configuration flux list"] = f"""
type: command
short-summary: List the Flux v2 configurations of a cluster.
examples:
  - name: List the configurations as a table.
    text: az k8s-configuration flux list {CLUSTER} -o table
"""

helps["k8s-configuration flux show"] = f"""
type: command
short-summary: Show a Flux v2 configuration (secrets are never returned).
examples:
  - name: Show a configuration.
    text: az k8s-configuration flux show {CLUSTER} -n myconfig
"""

helps["k8s-configuration flux delete"] = f"""
type: command
short-summary: Delete a Flux v2 configuration.
long-summary: Deleting a configuration that does not exist prints a warning and succeeds. When a
  kustomization has prune enabled, the prompt says that its Kubernetes objects are deleted too.
  forceDelete is sent only with --force. The microsoft.flux extension is not removed.
examples:
  - name: Delete a configuration without a prompt.
    text: az k8s-configuration flux delete {CLUSTER} -n myconfig --yes
  - name: Remove the Azure resource even if the cluster cannot clean up.
    text: az k8s-configuration flux delete {CLUSTER} -n myconfig --force --yes
"""

helps["k8s-configuration flux export"] = f"""
type: command
short-summary: Export a configuration as Flux YAML, Bicep or an ARM template (never with secrets).
long-summary: The export is printed as is (YAML, Bicep or JSON text) so it can be redirected to a file; it is not
  a JSON value of az, so --output and --query do not change it.
examples:
  - name: Export the Flux objects the configuration creates on the cluster.
    text: az k8s-configuration flux export {CLUSTER} -n myconfig --format flux-yaml
  - name: Print a Bicep file of the extension and the configuration (redirect it to a file to keep it).
    text: az k8s-configuration flux export {CLUSTER} -n myconfig --format bicep
"""

helps["k8s-configuration flux wait"] = f"""
type: command
short-summary: Wait until a configuration is compliant, or deleted, printing the state of each object.
long-summary: Fails at once when an object becomes Non-Compliant, naming it and its Ready message.
examples:
  - name: Wait up to 10 minutes for compliance.
    text: az k8s-configuration flux wait {CLUSTER} -n myconfig --for compliant --timeout 10m
  - name: Wait until a deleted configuration is gone.
    text: az k8s-configuration flux wait {CLUSTER} -n myconfig --for deleted
"""

helps["k8s-configuration flux check"] = f"""
type: command
short-summary: Check that a cluster is ready for Flux configurations (provider registration, cluster,
  microsoft.flux extension) and optionally fix what can be fixed.
examples:
  - name: Run the checks.
    text: az k8s-configuration flux check {CLUSTER}
  - name: Register the provider and install the extension when they are missing.
    text: az k8s-configuration flux check {CLUSTER} --fix
"""

helps["k8s-configuration flux kustomization"] = """
type: group
short-summary: Manage the kustomizations of a Flux v2 configuration.
"""

helps["k8s-configuration flux kustomization create"] = f"""
type: command
short-summary: Add a kustomization to a configuration (fails if it already exists).
long-summary: --wait true|false sets the kustomization's wait field (Flux waits for the applied objects to be
  healthy; default true), as in the Flux CLI. To block until the configuration is Compliant, use
  --wait-for-compliance.
examples:
  - name: Add a kustomization that prunes and force-applies.
    text: az k8s-configuration flux kustomization create {CLUSTER} -n myconfig -k my-kustomization-2 --path ./my/path --prune --force
  - name: Add a kustomization that depends on another and substitutes variables.
    text: az k8s-configuration flux kustomization create {CLUSTER} -n myconfig -k apps --path ./apps --depends-on infra --substitute cluster_env=prod --substitute-from ConfigMap/cluster-vars
  - name: Add a kustomization without health checks (wait=false) and wait until the configuration is compliant.
    text: az k8s-configuration flux kustomization create {CLUSTER} -n myconfig -k jobs --path ./jobs --wait false --wait-for-compliance
"""

helps["k8s-configuration flux kustomization update"] = f"""
type: command
short-summary: Update a kustomization; fields you do not give keep their values.
examples:
  - name: Change the path and turn off health checks.
    text: az k8s-configuration flux kustomization update {CLUSTER} -n myconfig -k my-kustomization --path ./my/new-path --prune --force --wait false
  - name: Remove every postBuild substitution of a kustomization.
    text: az k8s-configuration flux kustomization update {CLUSTER} -n myconfig -k my-kustomization --remove-post-build
"""

helps["k8s-configuration flux kustomization delete"] = f"""
type: command
short-summary: Delete a kustomization from a configuration (a missing one only gives a warning).
examples:
  - name: Delete a kustomization without a prompt.
    text: az k8s-configuration flux kustomization delete {CLUSTER} -n myconfig -k my-kustomization --yes
"""

helps["k8s-configuration flux kustomization list"] = f"""
type: command
short-summary: List the kustomizations of a configuration.
examples:
  - name: List them as a table with intervals, prune and wait.
    text: az k8s-configuration flux kustomization list {CLUSTER} -n myconfig -o table
  - name: Print the dependsOn graph as a tree (text for people; --output and --query do not apply to it).
    text: az k8s-configuration flux kustomization list {CLUSTER} -n myconfig --graph
"""

helps["k8s-configuration flux kustomization show"] = f"""
type: command
short-summary: Show one kustomization of a configuration.
examples:
  - name: Show a kustomization.
    text: az k8s-configuration flux kustomization show {CLUSTER} -n myconfig -k my-kustomization
"""

helps["k8s-configuration flux deployed-object"] = """
type: group
short-summary: Inspect the objects a Flux v2 configuration deployed on the cluster.
"""

helps["k8s-configuration flux deployed-object list"] = f"""
type: command
short-summary: List the objects deployed by a configuration, with their compliance state.
examples:
  - name: List them with their Ready messages.
    text: az k8s-configuration flux deployed-object list {CLUSTER} -n myconfig -o table
"""

helps["k8s-configuration flux deployed-object show"] = f"""
type: command
short-summary: Show one deployed object of a configuration.
examples:
  - name: Show the git source object.
    text: az k8s-configuration flux deployed-object show {CLUSTER} -n myconfig --object-name my-object --object-namespace my-namespace --object-kind GitRepository
"""

helps["k8s-configuration list"] = f"""
type: command
short-summary: List Flux v1 configurations (deprecated; for Flux v2 use 'az k8s-configuration flux list').
examples:
  - name: List the Flux v1 configurations of a cluster.
    text: az k8s-configuration list {CLUSTER}
"""

helps["k8s-configuration show"] = f"""
type: command
short-summary: Show a Flux v1 configuration (deprecated; for Flux v2 use 'az k8s-configuration flux show').
examples:
  - name: Show a Flux v1 configuration.
    text: az k8s-configuration show {CLUSTER} -n myconfig
"""

helps["k8s-configuration delete"] = f"""
type: command
short-summary: Delete a Flux v1 configuration (deprecated; for Flux v2 use 'az k8s-configuration flux delete').
examples:
  - name: Delete a Flux v1 configuration.
    text: az k8s-configuration delete {CLUSTER} -n myconfig --yes
"""
