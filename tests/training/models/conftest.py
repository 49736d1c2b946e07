"""A project of a few files to train on, a registry in a temporary folder, and a stand-in for
`rasa train` that writes a small archive with Rasa's metadata.json (no Rasa, no TensorFlow)."""
from __future__ import annotations

import io
import json
import tarfile
import uuid
from pathlib import Path

import pytest

from bot.training.models.registry import Registry

FILES = {
    "config.yml": "recipe: default.v1\nlanguage: zh\n",
    "domain.yml": "version: '3.1'\nintents: [greet]\n",
    "products.yml": "products: []\n",
    "data/nlu/en.yml": "nlu:\n- intent: greet\n  examples: |\n    - hi\n",
    "data/rules/rules.yml": "rules: []\n",
    "bot/rasa/nlu/tokenizer.py": "TOKENS = 1\n",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def registry(project: Path) -> Registry:
    return Registry(project / "models")


def write_archive(path: Path, model_id: str | None = None) -> Path:
    """A tar.gz like Rasa's: components/ and metadata.json with a model id."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as archive:
        for name, data in (("components/x.json", b"{}"), ("metadata.json", json.dumps(
                {"model_id": model_id or uuid.uuid4().hex, "rasa_open_source_version": "3.6.21",
                 "trained_at": "2026-12-04T19:56:19"}).encode())):
            member = tarfile.TarInfo(name)
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    return path


class FakeRasaTrain:
    """Runs instead of `rasa train`: writes the archive the command names, or fails."""

    def __init__(self, code: int = 0) -> None:
        self.code = code
        self.commands: list[list[str]] = []

    def __call__(self, command: list[str], root: Path) -> int:
        self.commands.append(command)
        if self.code == 0:
            out = Path(command[command.index("--out") + 1])
            write_archive(out / command[command.index("--fixed-model-name") + 1])
        return self.code


@pytest.fixture
def rasa_train() -> FakeRasaTrain:
    return FakeRasaTrain()
