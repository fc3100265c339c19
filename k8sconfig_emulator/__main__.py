"""Allow ``python -m k8sconfig_emulator``."""

from k8sconfig_emulator.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
