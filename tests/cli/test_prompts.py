"""The confirmation helper on its own: --yes, core.disable_confirm_prompt, no terminal, yes and no answers.
(tests/e2e/test_pipeline_contract.py drives the same paths through the real az.)"""
from types import SimpleNamespace

import pytest
from azure.cli.core.azclierror import ManualInterrupt, NoTTYError
from knack.prompting import NoTTYException

from azext_k8s_configuration import prompts


class _Config:
    def __init__(self, disabled):
        self.disabled = disabled

    def getboolean(self, section, option, fallback=None):
        assert (section, option) == ("core", "disable_confirm_prompt")
        return self.disabled if self.disabled is not None else fallback


def _cmd(disabled=None):
    return SimpleNamespace(cli_ctx=SimpleNamespace(config=_Config(disabled)))


@pytest.fixture
def answers(monkeypatch):
    """Script the terminal: a list of answers (True/False), or None for 'no terminal'."""
    state = {"answers": None, "asked": []}

    def fake_prompt(question, default=None):
        state["asked"].append((question, default))
        if state["answers"] is None:
            raise NoTTYException()
        return state["answers"].pop(0)

    def fake_tty():
        if state["answers"] is None:
            raise NoTTYException()

    monkeypatch.setattr(prompts, "prompt_y_n", fake_prompt)
    monkeypatch.setattr(prompts, "verify_is_a_tty", fake_tty)
    return state


def test_yes_or_the_setting_skip_the_question(answers):
    prompts.confirm(_cmd(), "Delete?", "delete x", yes=True)
    prompts.confirm(_cmd(disabled=True), "Delete?", "delete x")
    assert not prompts.must_ask(_cmd(disabled=True), "delete x")
    assert answers["asked"] == []


def test_no_terminal_is_a_clean_error_naming_yes(answers):
    with pytest.raises(NoTTYError) as info:
        prompts.must_ask(_cmd(), "delete flux configuration 'x'")
    assert "delete flux configuration 'x'" in info.value.error_msg and "no terminal" in info.value.error_msg
    assert "--yes" in info.value.recommendations[0]
    assert "core.disable_confirm_prompt" in info.value.recommendations[0]
    with pytest.raises(NoTTYError):
        prompts.ask("Delete?", "delete x")


def test_answers(answers):
    answers["answers"] = [True, False]
    prompts.confirm(_cmd(disabled=False), "Delete?", "delete x")
    with pytest.raises(ManualInterrupt, match="cancelled"):
        prompts.confirm(_cmd(), "Delete?", "delete x")
    assert answers["asked"] == [("Delete?", "n"), ("Delete?", "n")]


def test_command_confirmation_fills_in_the_arguments(answers):
    answers["answers"] = [True]
    confirmation = prompts.command_confirmation("Delete '{name}' from '{cluster_name}' ({unknown})?", "delete {name}")
    assert confirmation({"name": "old", "cluster_name": "arc"}) is True
    assert answers["asked"] == [("Delete 'old' from 'arc' ({unknown})?", "n")]
    answers["answers"] = None
    with pytest.raises(NoTTYError, match="delete old"):
        confirmation({"name": "old"})
