"""`flux check`: run the preflight checks (providers/preflight.py) and report them as a checklist."""
import sys

from azure.cli.core.azclierror import ValidationError


def run(cmd, cluster, fix=False):
    """Print the checklist to stderr (ASCII marks when stderr cannot encode ✔/✗) and return the results; fail
    (exit 1) when a check failed. A check still in progress is not a failure: flux create waits for it."""
    from azext_k8s_configuration.graph_render import can_encode
    from azext_k8s_configuration.preflight_render import SYMBOLS, failed_checks, render
    from azext_k8s_configuration.providers.preflight import run_preflight
    results = run_preflight(cmd, cluster, fix)
    encoding = getattr(sys.stderr, "encoding", None)
    sys.stderr.write(render(results, ascii_only=not can_encode(SYMBOLS, encoding)) + "\n")
    failed = failed_checks(results)
    if failed:
        hint = ("Run 'az k8s-configuration flux check --fix' to fix what can be fixed automatically."
                if not fix else "Fix the remaining items with the commands shown above.")
        raise ValidationError(f"{len(failed)} of {len(results)} preflight checks failed: "
                              + ", ".join(str(r.get("check")) for r in failed) + ".", hint)
    return results
