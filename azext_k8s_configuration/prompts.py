"""The one confirmation helper of the extension, behaving like azure-cli's own commands.

A confirmation is skipped by `--yes` or by the `core.disable_confirm_prompt` setting (`az config set
core.disable_confirm_prompt=true`, or the environment variable AZURE_CORE_DISABLE_CONFIRM_PROMPT=true). Without a
terminal to ask on (a script or a CI pipeline), it fails with a clean az error naming `--yes`, before any write.
"""
from azure.cli.core.azclierror import ManualInterrupt, NoTTYError, ValidationError
from knack.prompting import NoTTYException, prompt_y_n, verify_is_a_tty

CANCELLED = "Operation cancelled."
UNATTENDED_HINT = ("Pass --yes to confirm without a prompt, or turn prompts off for unattended runs with "
                   "'az config set core.disable_confirm_prompt=true' (or AZURE_CORE_DISABLE_CONFIRM_PROMPT=true).")


def prompts_disabled(cli_ctx):
    """True when the user turned confirmation prompts off (config file or environment variable); a value that is
    not a boolean (e.g. an empty AZURE_CORE_DISABLE_CONFIRM_PROMPT) is a clean error instead of a traceback."""
    try:
        return cli_ctx.config.getboolean("core", "disable_confirm_prompt", fallback=False)
    except ValueError:
        value = cli_ctx.config.get("core", "disable_confirm_prompt", fallback="")
        raise ValidationError(f"The setting core.disable_confirm_prompt is {value!r}, which is not true or false.",
                              "Set AZURE_CORE_DISABLE_CONFIRM_PROMPT (or 'az config set core.disable_confirm_prompt') "
                              "to true or false, or unset it; pass --yes to confirm a single command.") from None


def _no_terminal(action):
    return NoTTYError(f"Cannot ask for confirmation to {action}: no terminal is attached to stdin.", UNATTENDED_HINT)


def must_ask(cmd, action, *, yes=False):
    """Whether a confirmation prompt is due: False with --yes or prompts turned off; True when a terminal can
    answer. Without a terminal this raises NoTTYError, so callers check it before sending any write (and may
    check it before their first request, as nothing they read could change the outcome)."""
    if yes or prompts_disabled(cmd.cli_ctx):
        return False
    try:
        verify_is_a_tty()
    except NoTTYException:
        raise _no_terminal(action) from None
    return True


def ask(question, action):
    """Ask a yes/no question (default no); ManualInterrupt when the answer is no."""
    try:
        confirmed = prompt_y_n(question, default="n")
    except NoTTYException:
        raise _no_terminal(action) from None
    if not confirmed:
        raise ManualInterrupt(CANCELLED)


def confirm(cmd, question, action, *, yes=False):
    """Ask `question` unless --yes or the setting skips it; `action` completes "Cannot ask for confirmation to …"."""
    if must_ask(cmd, action, yes=yes):
        ask(question, action)


def command_confirmation(question, action):
    """A `confirmation=` callable for the command table: azure-cli has already honoured --yes and the setting
    when it calls this, so it only asks (or fails cleanly without a terminal)."""
    def confirmation(command_args):
        values = {k: v for k, v in (command_args or {}).items() if isinstance(k, str)}
        ask(question.format_map(_Missing(values)), action.format_map(_Missing(values)))
        return True
    return confirmation


class _Missing(dict):
    """format_map mapping that leaves unknown placeholders visible instead of raising KeyError."""

    def __missing__(self, key):
        return "{" + key + "}"
