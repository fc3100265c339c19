"""Issue item 3: a unique canary per secret input, given as a flag value and through its -file variant, through
create, update, show, list, export, --debug, --dry-run and error paths: the canary never shows in stdout,
stderr, the emulator's request log, az's command logs or a recording, and the emulator never returns protected
settings. The one allowed place: knack's "Command arguments: [...]" echo under --debug, for the flag-value
variant only."""
from __future__ import annotations

import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .emu_http import client_for, flux_path
from .secret_material import CASES, COMPANIONS, Canary, Case

FLUX = ["k8s-configuration", "flux"]
ECHO_MARKER = "cli.knack.cli: Command arguments:"
REPO = Path(__file__).resolve().parents[2]


@dataclass
class Transcript:
    argv: list[str]
    stdout: str
    stderr: str
    returncode: int
    echoed: list[Canary] = field(default_factory=list)  # canaries given as flag values in this call

    def visible_text(self) -> str:
        """All output, minus knack's raw command-line echo when a canary was typed as a flag value."""
        lines = self.stderr.splitlines()
        if self.echoed:
            lines = [line for line in lines if ECHO_MARKER not in line]
        return self.stdout + "\n".join(lines)


def _leaks(text: str, canaries: list[Canary]) -> list[str]:
    return [f"{c.case.label}: {form[:24]}..." for c in canaries for form in c.forms if form in text]


class Exerciser:
    """Runs one case's command sequence against the emulator, recording every call."""

    def __init__(self, emulator, cluster_args: list[str], case: Case, workdir: Path):
        self.emulator, self.cluster_args, self.case, self.workdir = emulator, cluster_args, case, workdir
        self.canaries: list[Canary] = []
        self.transcripts: list[Transcript] = []
        self.name = f"leak-{case.label}"

    def _secret_args(self, variant: str) -> tuple[list[str], list[Canary]]:
        canary = self.case.canary()
        self.canaries.append(canary)
        if variant == "flag":
            return [self.case.flag, canary.flag_value], [canary]
        path = self.workdir / f"{self.case.label}-{len(self.canaries)}.secret"
        path.write_bytes(canary.material + (b"" if self.case.binary else b"\n"))
        return [self.case.file_flag, str(path)], []

    def az(self, *args: str, variant: str | None = None, debug: bool = True) -> Transcript:
        argv = [*FLUX, *args]
        echoed: list[Canary] = []
        if variant:
            secret, echoed = self._secret_args(variant)
            argv += secret + COMPANIONS.get(self.case.label, list)()
        argv += ["--debug"] if debug else []
        res = self.emulator.az(*argv)
        transcript = Transcript(argv, res.stdout, res.stderr, res.returncode, echoed)
        self.transcripts.append(transcript)
        return transcript

    def run(self) -> Exerciser:
        cl, case, name = self.cluster_args, self.case, self.name
        created = self.az("create", *cl, "-n", name, *case.base, variant="flag")
        assert created.returncode == 0, created.stderr[-3000:]
        self.az("show", *cl, "-n", name)
        self.az("export", *cl, "-n", name, "--format", "arm" if case.binary else "flux-yaml")
        updated = self.az("update", *cl, "-n", name, *case.base, "--yes", variant="file")
        assert updated.returncode == 0, updated.stderr[-3000:]
        # error paths: the secret is valid, another flag is not
        for variant, bad in (("flag", ["--interval", "bogus"]), ("file", ["--timeout", "zz"])):
            failed = self.az("update", *cl, "-n", name, *case.base, *bad, "--yes", variant=variant)
            # (under --debug az itself logs the traceback of every error, so only the message is checked)
            assert failed.returncode == 1 and "Invalid duration" in failed.stderr, failed.stderr[-3000:]
        missing_cluster = [*cl[:3], f"{cl[3]}-missing", *cl[4:]]  # a server-side error (404)
        failed = self.az("create", *missing_cluster, "-n", name, *case.base, variant="file")
        assert failed.returncode == 3 and "was not found" in failed.stderr, failed.stderr[-3000:]
        for variant in ("flag", "file"):
            dry = self.az("create", *cl, "-n", f"{name}-dry", *case.base, "--dry-run", variant=variant)
            assert dry.returncode == 0, dry.stderr[-3000:]
        return self


@pytest.fixture(scope="module")
def exercised(emulator, tmp_path_factory):
    """Every case run once (in parallel, each on its own configuration of one cluster), then `flux list`."""
    suffix = uuid.uuid4().hex[:8]
    group, name = f"rg-leak-{suffix}", f"arc-leak-{suffix}"
    emulator.add_cluster(name, group)
    cluster_args = ["-g", group, "-c", name, "-t", "connectedClusters"]
    mark = emulator.log_mark()
    workdir = tmp_path_factory.mktemp("secrets")
    # install the flux extension first, so the parallel creates don't race to install it
    emulator.az(*FLUX, "create", *cluster_args, "-n", "warmup", "-u", CASES[1].base[1], "--branch", "main").ok()
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(pool.map(lambda case: Exerciser(emulator, cluster_args, case, workdir).run(), CASES))
    listing = runs[0].az("list", *cluster_args)
    assert listing.returncode == 0, listing.stderr[-2000:]
    return {"runs": runs, "mark": mark, "group": group, "cluster": name, "cluster_args": cluster_args}


def _all_canaries(exercised) -> list[Canary]:
    return [c for run in exercised["runs"] for c in run.canaries]


@pytest.mark.parametrize("case", [c.label for c in CASES])
def test_no_secret_in_any_output(exercised, case):
    run = next(r for r in exercised["runs"] if r.case.label == case)
    assert len(run.canaries) == 7  # flag and file variants, success, error and dry-run paths
    for transcript in run.transcripts:
        leaks = _leaks(transcript.visible_text(), _all_canaries(exercised))
        assert not leaks, f"az {' '.join(transcript.argv[:4])} ... leaked {leaks}"


def test_flag_values_are_echoed_only_by_knack(exercised):
    """The exception is real and narrow: the flag-value canary is on knack's echo line and nowhere else."""
    run = exercised["runs"][0]
    first = run.transcripts[0]
    assert first.echoed and any(ECHO_MARKER in line and first.echoed[0].flag_value in line
                                for line in first.stderr.splitlines())
    assert first.echoed[0].flag_value not in first.visible_text()


def test_list_shows_no_secret(exercised):
    listing = exercised["runs"][0].transcripts[-1]
    assert "leak-https-key" in listing.stdout
    assert not _leaks(listing.stdout + listing.stderr, _all_canaries(exercised))


def test_request_log_and_command_logs_hold_no_secret(exercised, emulator):
    log_text = emulator.log_path.read_bytes()[exercised["mark"]:].decode()
    assert "fluxConfigurations/leak-sas-token" in log_text  # the writes were logged
    assert not _leaks(log_text, _all_canaries(exercised))
    for path in (emulator.data_dir / "azure").rglob("*.log"):
        assert not _leaks(path.read_text(errors="replace"), _all_canaries(exercised)), path


def test_emulator_never_returns_protected_settings(exercised, emulator):
    client = client_for(emulator)
    listing = client.arm("GET", flux_path(exercised["group"], exercised["cluster"]))
    assert listing.status == 200
    assert not _leaks(listing.text, _all_canaries(exercised))
    for item in listing.json["value"]:
        protected = item["properties"].get("configurationProtectedSettings") or {}
        assert all(v in (None, "") for v in protected.values()), item["name"]
        for source in ("azureBlob", "ociRepository"):
            text = str(item["properties"].get(source) or {})
            assert "CANARY" not in text


def test_recording_holds_no_secret(emulator, cluster, tmp_path):
    """A cassette recorded through tests/playback/az_vcr.py with a canary secret does not contain it."""
    wrapper = REPO / "tests" / "playback" / "az_vcr.py"
    case = CASES[1]  # https key: goes into configurationProtectedSettings
    canary = case.canary()
    cassette = tmp_path / "create.yaml"
    argv = [*FLUX, "create", *cluster["args"], "-n", "rec", *case.base, case.flag, canary.flag_value]
    res = subprocess.run([sys.executable, str(wrapper), "record", str(cassette), emulator.url, "--", *argv],
                         env=emulator.env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
                         check=False)
    assert res.returncode == 0, res.stderr[-3000:]
    text = cassette.read_text()
    assert "fluxConfigurations/rec" in text
    assert not _leaks(text + res.stdout + res.stderr, [canary])


def test_committed_recordings_hold_no_secret_values():
    recordings = REPO / "tests" / "playback" / "recordings"
    for path in recordings.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert "PRIVATE KEY-----" not in text, path
            assert "CANARY-" not in text, path
