"""Docs checked by tests: a command, option, stage or format without documentation fails."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from servio.cli import build_parser
from servio.stages import ALL_STAGES, info

ROOT = Path(__file__).resolve().parent.parent
CLI_DOC = (ROOT / "docs" / "cli.md").read_text("utf-8")


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("servio has no subcommands")


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_command_has_a_section(name: str) -> None:
    assert f"## `servio {name}`" in CLI_DOC


@pytest.mark.parametrize(
    "name,option",
    [
        (name, opt)
        for name, sub in sorted(_subcommands().items())
        for action in sub._actions
        for opt in action.option_strings
        if opt.startswith("--") and opt != "--help"
    ],
)
def test_every_option_is_documented(name: str, option: str) -> None:
    assert f"`{option}" in CLI_DOC, f"{option} of 'servio {name}' is not in docs/cli.md"


def test_readme_opens_with_the_two_commands() -> None:
    lines = [line for line in (ROOT / "README.md").read_text("utf-8").splitlines() if line.strip()]
    assert lines[1] == "```sh"
    assert lines[2].startswith("make run ")
    assert lines[3].startswith("make test ")


@pytest.mark.parametrize("stage", ALL_STAGES)
def test_readme_names_every_stage_in_both_languages(stage: int) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    meta = info(stage)
    assert meta.name_en in readme
    assert meta.name_et.replace("„", "").replace("”", "") in readme.replace("„", "").replace("”", "")


def test_makefile_targets_named_in_readme_exist() -> None:
    makefile = (ROOT / "Makefile").read_text("utf-8")
    for target in ("run", "test", "golden", "bench"):
        assert f"\n{target}:" in makefile


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text("utf-8")
