"""The commands `make run` starts, read by Rasa's own argument parser."""
from __future__ import annotations

from pathlib import Path

import pytest
from rasa.__main__ import create_argument_parser

from bot.runtime.settings import Settings
from bot.runtime.supervisor import commands


@pytest.mark.parametrize("token", ["-starts-with-a-dash", "plain_token", "--x"])
def test_rasa_gets_the_token_whatever_it_starts_with(token):
    settings = Settings.from_env({"RASA_TOKEN": token})
    rasa = commands(settings, Path("models/current.tar.gz"))["rasa"]
    arguments = create_argument_parser().parse_args(rasa[1:])
    assert arguments.auth_token == token
    assert (arguments.interface, arguments.enable_api) == ("127.0.0.1", True)
