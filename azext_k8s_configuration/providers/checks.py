"""`flux check`: run the preflight checks (providers/preflight.py) and report them as a checklist."""
import sys

from azure.cli.core.azclierror import ValidationError


def run(cmd, cluster, fix=False):
    """Print the ✔/✗ checklist to stderr and return the results; fail (exit 1) when a check failed."""
    from azext_k8s_configuration.preflight_render import render
    from azext_k8s_configuration.providers.preflight import run_preflight
    results = run_preflight(cmd, cluster, fix)
    sys.stderr.write(render(results) + "\n")
    failed = [r for r in results if r.get("ok") is False]
    if failed:
        hint = ("Run 'az k8s-configuration flux check --fix' to fix what can be fixed automatically."
                if not fix else "Fix the remaining items with the commands shown above.")
        raise ValidationError(f"{len(failed)} of {len(results)} preflight checks failed: "
                              + ", ".join(str(r.get("check")) for r in failed) + ".", hint)
    return results
