"""Command line: start / stop / env / cluster add / cluster objects / faults / check-repo."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from k8sconfig_emulator import datadir
from k8sconfig_emulator.config import (
    ConfigError,
    EmulatorConfig,
    check_numbers,
    parse_git_repos,
    parse_helm_repos,
    parse_insteadof,
)

CLUSTER_TYPES = {"connectedclusters": ("Microsoft.Kubernetes", "connectedClusters"),
                 "managedclusters": ("Microsoft.ContainerService", "managedClusters"),
                 "provisionedclusters": ("Microsoft.HybridContainerService", "provisionedClusters")}


# `env --shell`: the syntaxes azure_env writes (azure_env imports tokens/certs, i.e. cryptography: only `env` and
# `start` load it, not every command).
SHELLS = ("bash", "zsh", "fish", "powershell")


class UsageError(Exception):
    """A problem the user can fix; printed without a traceback."""


def _add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="emulator data dir (default: $K8SCONFIG_EMULATOR_DATA_DIR, "
                                           "$XDG_DATA_HOME/k8sconfig-emulator or ~/.local/share/k8sconfig-emulator)")


def _cluster_type(value: str) -> tuple[str, str]:
    found = CLUSTER_TYPES.get(value.lower())
    if found is None:
        raise argparse.ArgumentTypeError(f"must be one of {', '.join(c[1] for c in CLUSTER_TYPES.values())}")
    return found


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="k8sconfig-emulator",
                                     description="Local emulator of Microsoft.KubernetesConfiguration (Flux v2).")
    commands = parser.add_subparsers(dest="command", required=True)

    start = commands.add_parser("start", help="serve HTTPS on 127.0.0.1")
    _add_data_dir(start)
    start.add_argument("--port", type=int, default=None,
                       help="port (default: the previous start's port when it is free, so shells pointed at the "
                            "emulator keep working across a restart; 0 = any free port)")
    start.add_argument("--detach", action="store_true", help="run in the background; return once it answers")
    start.add_argument("--operation-delay", type=float, default=0.3, help="seconds until an operation finishes")
    start.add_argument("--extension-install-delay", type=float, default=1.0,
                       help="seconds until an extension install finishes")
    start.add_argument("--provider-state", choices=["Registered", "NotRegistered"], default="Registered",
                       help="registration of Microsoft.KubernetesConfiguration on first start")
    start.add_argument("--git-insteadof", action="append", default=[], metavar="PREFIX=LOCAL_DIR_OR_URL",
                       help="rewrite git URLs starting with PREFIX (repeatable; also $K8SCONFIG_EMULATOR_GIT_INSTEADOF)")
    start.add_argument("--demo-repo", action="store_true",
                       help="answer the tutorial's repository (https://github.com/Azure/gitops-flux2-kustomize-helm-mt)"
                            " from the bundled demo repository, offline")
    start.add_argument("--git-repo", action="append", default=[], metavar="NAME=DIR",
                       help="serve the git repo DIR at /git/NAME (repeatable)")
    start.add_argument("--helm-repo", action="append", default=[], metavar="URL=DIR",
                       help="answer the chart repository URL from DIR/index.yaml, so HelmRelease chart versions "
                            "resolve for real (repeatable)")
    start.add_argument("--reconcile-interval", type=float, default=0.5, help="reconciler loop tick in seconds")
    start.add_argument("--page-size", type=int, default=100, help="items per page of list responses")
    start.add_argument("--retry-after", type=float, default=1.0, metavar="SECONDS",
                       help="poll hint sent on 201/202 answers and running operations (default 1; under 1 s, 0 "
                            "included, it is sent as Retry-After-ms, at least 100 ms, which Azure SDK clients honour)")

    stop = commands.add_parser("stop", help="stop a detached emulator")
    _add_data_dir(stop)

    env = commands.add_parser(
        "env", help="point a shell's az at the emulator: eval \"$(k8sconfig-emulator env)\"",
        description="Print the lines that point az in this shell at the running emulator (logged in, its CA "
                    "trusted). bash/zsh: eval \"$(k8sconfig-emulator env)\"; fish: k8sconfig-emulator env --shell "
                    "fish | source; PowerShell: k8sconfig-emulator env --shell powershell | Out-String | "
                    "Invoke-Expression. When no emulator answers, the lines make az fail instead of reaching "
                    "Azure, and the evaluation fails. --unset gives the shell back to Azure.")
    _add_data_dir(env)
    env.add_argument("--shell", choices=SHELLS, default="bash",
                     help="syntax of the printed lines (default bash; zsh is the same)")
    env.add_argument("--unset", action="store_true",
                     help="print the lines that give the shell back to Azure: "
                          "eval \"$(k8sconfig-emulator env --unset)\"")

    cluster = commands.add_parser("cluster", help="emulated clusters").add_subparsers(dest="cluster_command",
                                                                                    required=True)
    add = cluster.add_parser("add", help="create a resource group (if missing) and a cluster")
    objects = cluster.add_parser("objects", help="list the objects the emulated cluster holds")
    for sub in (add, objects):
        sub.add_argument("name")
        sub.add_argument("-g", "--resource-group", required=True)
        sub.add_argument("-t", "--cluster-type", type=_cluster_type, default=CLUSTER_TYPES["connectedclusters"],
                         help="connectedClusters (default), managedClusters or provisionedClusters")
        _add_data_dir(sub)
    add.add_argument("--location", "-l", default="eastus")
    objects.add_argument("-o", "--output", choices=["json", "table"], default="table")

    faults = commands.add_parser("faults", help="inject faults into ARM calls at runtime")
    faults.add_argument("--rate", type=float, help="fraction (0..1) of ARM calls answered with a fault")
    faults.add_argument("--codes", help="comma-separated status codes to use: 429,503")
    faults.add_argument("--latency-ms", type=int, help="added latency per ARM call")
    faults.add_argument("--fail-next-extension-install", action="store_true",
                        help="the next extension install ends in Failed")
    faults.add_argument("--deny-registration", choices=["true", "false"],
                        help="answer provider registration with 403, as for an account without the right")
    _add_data_dir(faults)

    from k8sconfig_emulator import check_repo

    check_repo.add_parser(commands)
    return parser


def _config(args: argparse.Namespace, data_dir) -> EmulatorConfig:
    from k8sconfig_emulator import server

    port = args.port if args.port is not None else 0
    preferred = server.previous_port(data_dir) if args.port is None else None
    cfg = EmulatorConfig(data_dir=data_dir, port=port, preferred_port=preferred,
                         operation_delay=args.operation_delay,
                         extension_install_delay=args.extension_install_delay, provider_state=args.provider_state,
                         git_insteadof=parse_insteadof(args.git_insteadof), git_repos=parse_git_repos(args.git_repo),
                         helm_repos=parse_helm_repos(args.helm_repo),
                         reconcile_interval=args.reconcile_interval, page_size=args.page_size,
                         demo_repo=args.demo_repo,
                         retry_after=args.retry_after)
    check_numbers(cfg)
    return cfg


def cmd_start(args, data_dir, argv) -> int:
    from k8sconfig_emulator import server

    cfg = _config(args, data_dir)
    if args.detach:
        child_argv = ["start", *(a for a in argv if a != "--detach")]
        if not args.data_dir:
            child_argv += ["--data-dir", str(data_dir)]
        record = server.start_detached(child_argv, data_dir)
        print(f"k8sconfig-emulator running at {record['url']} (pid {record['pid']}, data dir {data_dir})")
        if cfg.preferred_port and record["port"] != cfg.preferred_port:
            print(f"k8sconfig-emulator: warning: port {cfg.preferred_port} of the previous start was taken; az in "
                  "shells pointed at the emulator before cannot reach it: run "
                  "'eval \"$(k8sconfig-emulator env)\"' there again", file=sys.stderr)
        if args.demo_repo:
            from k8sconfig_emulator.demo_repo import note

            print(note())
        return 0
    server.run(_config(args, data_dir))
    return 0


def cmd_stop(args, data_dir, argv) -> int:
    from k8sconfig_emulator import server

    print(server.stop(data_dir))
    print("az in shells pointed at it now fails with \"Please run 'az login'\" (it never reaches Azure) until it "
          "starts again; give such a shell back to Azure with:\n"
          "  eval \"$(k8sconfig-emulator env --unset)\"")
    return 0


def _warn_installed_extension(data_dir) -> None:
    from k8sconfig_emulator import azure_env

    installed = azure_env.installed_extension(os.environ)
    if installed is None:
        return
    versions = sorted(p.name.split("-")[1] for p in installed.glob("k8s_configuration-*.dist-info"))
    print(f"k8sconfig-emulator: warning: {installed} is an installed k8s-configuration extension"
          f"{' ' + versions[0] if versions else ''}. Outside this repository's root, az loads it instead of the "
          "checkout named by AZURE_EXTENSION_DEV_SOURCES. For this shell only, hide it with\n"
          f"  export AZURE_EXTENSION_DIR={data_dir / 'no-extensions'}\n"
          "or remove it with 'az extension remove -n k8s-configuration' (Microsoft's comes back with "
          "'az extension add -n k8s-configuration').", file=sys.stderr)


def cmd_env(args, data_dir, argv) -> int:
    from k8sconfig_emulator import azure_env, server

    if args.unset:
        sys.stdout.write(azure_env.unset_lines(os.environ, args.shell))
        return 0
    record = datadir.read_runtime(data_dir)
    alive = record is not None and datadir.pid_alive(int(record.get("pid", 0)))
    if not alive or not server.healthy(record["url"], data_dir):
        problem = (f"the emulator for {data_dir} (pid {record.get('pid')}) does not answer" if alive
                   else f"no emulator is running for {data_dir}")
        sys.stdout.write(azure_env.closed_lines(
            data_dir, os.environ, "k8sconfig-emulator env failed: az in this shell is switched off (it cannot "
            "reach Azure) until you start the emulator and run env again, or run: "
            "eval \"$(k8sconfig-emulator env --unset)\"", args.shell, close_config=not alive))
        raise UsageError(f"{problem}; start one with 'k8sconfig-emulator start --detach --data-dir {data_dir}'")
    _warn_installed_extension(data_dir)
    variables = azure_env.environment(data_dir, int(record["port"]), os.environ)
    sys.stdout.write(azure_env.export_lines(variables, os.environ, args.shell))
    return 0


def _cluster_path(args) -> str:
    from k8sconfig_emulator.tokens import SUBSCRIPTION_ID

    rp, ctype = args.cluster_type
    return f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{args.resource_group}/providers/{rp}/{ctype}/{args.name}"


def cmd_cluster(args, data_dir, argv) -> int:
    from k8sconfig_emulator.admin_client import EmulatorClient
    from k8sconfig_emulator.tokens import SUBSCRIPTION_ID

    client = EmulatorClient(data_dir)
    path = _cluster_path(args)
    if args.cluster_command == "add":
        if not _group_exists(client, args.resource_group):
            client.arm("PUT", f"/subscriptions/{SUBSCRIPTION_ID}/resourcegroups/{args.resource_group}",
                       "2024-11-01", {"location": args.location})
        body = client.arm("PUT", path, "2024-01-01", {"location": args.location, "properties": {}})
        print(json.dumps(body, indent=2))
        return 0
    objects = client.admin("GET", "cluster-objects", query={"id": path})["value"]
    if args.output == "json":
        print(json.dumps(objects, indent=2))
    else:
        print(_table(objects))
    return 0


def _group_exists(client, group: str) -> bool:
    from k8sconfig_emulator.admin_client import ClientError
    from k8sconfig_emulator.tokens import SUBSCRIPTION_ID

    try:
        client.arm("GET", f"/subscriptions/{SUBSCRIPTION_ID}/resourcegroups/{group}", "2024-11-01")
        return True
    except ClientError:
        return False


def _table(objects: list[dict]) -> str:
    """`kubectl get -A`-like columns; appliedBy shown as the owning Kustomization's namespace/name."""
    headers = ("KIND", "NAMESPACE", "NAME", "API VERSION", "APPLIED BY")

    def row(obj: dict) -> list[str]:
        owner = obj.get("appliedBy") or {}
        applied_by = "/".join(p for p in (owner.get("namespace"), owner.get("name")) if p) if owner else ""
        return [obj.get("kind") or "", obj.get("namespace") or "", obj.get("name") or "",
                obj.get("apiVersion") or "", applied_by]

    rows = [row(o) for o in objects]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)


def cmd_faults(args, data_dir, argv) -> int:
    from k8sconfig_emulator.admin_client import EmulatorClient

    changes: dict = {}
    if args.rate is not None:
        changes["rate"] = args.rate
    if args.codes is not None:
        try:
            changes["codes"] = [int(c) for c in args.codes.split(",") if c.strip()]
        except ValueError:
            raise UsageError(f"--codes expects numbers such as 429,503, got '{args.codes}'") from None
    if args.latency_ms is not None:
        changes["latency_ms"] = args.latency_ms
    if args.fail_next_extension_install:
        changes["fail_next_extension_install"] = True
    if args.deny_registration is not None:
        changes["deny_registration"] = args.deny_registration == "true"
    client = EmulatorClient(data_dir)
    print(json.dumps(client.admin("PUT", "knobs", changes) if changes else client.admin("GET", "knobs"), indent=2))
    return 0


COMMANDS = {"start": cmd_start, "stop": cmd_stop, "env": cmd_env, "cluster": cmd_cluster, "faults": cmd_faults}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    if args.command == "check-repo":  # no server, no data dir: exit codes 0/1/2 of its own
        from k8sconfig_emulator import check_repo

        return check_repo.run(args)
    from k8sconfig_emulator.admin_client import ClientError
    from k8sconfig_emulator.server import ServerError

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    data_dir = datadir.resolve(args.data_dir)
    try:
        return COMMANDS[args.command](args, data_dir, argv[1:] if argv and argv[0] == "start" else argv)
    except (UsageError, ConfigError, ServerError, ClientError) as exc:
        print(f"k8sconfig-emulator: error: {exc}", file=sys.stderr)
        return 1
