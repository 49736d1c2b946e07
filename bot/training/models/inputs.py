"""What a model is trained on, and one stable hash of it: the files `make model` has always
retrained on (the Makefile's NLU_INPUTS: the config, domain.yml, products.yml, data/ and the
project's NLU components in bot/rasa/nlu), each by the SHA-256 of its bytes. The same contents
give the same hash on any machine, whatever the files' times or the order a directory lists."""
from __future__ import annotations

import hashlib
from pathlib import Path

FILES = ("domain.yml", "products.yml")
DIRECTORIES = ("data", "bot/rasa/nlu")
SKIPPED_PARTS = ("__pycache__",)  # what Python writes beside the components is no input
SKIPPED_SUFFIXES = (".pyc",)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_paths(root: Path, config: Path) -> list[Path]:
    """Every input file, relative to root, sorted."""
    paths = [config, *(Path(name) for name in FILES)]
    for directory in DIRECTORIES:
        paths += [path.relative_to(root) for path in (root / directory).rglob("*") if path.is_file()]
    kept = {path for path in paths
            if (root / path).is_file() and not set(path.parts) & set(SKIPPED_PARTS)
            and path.suffix not in SKIPPED_SUFFIXES and not path.name.startswith(".")}
    return sorted(kept, key=lambda path: path.as_posix())


def training_inputs(root: Path, config: Path = Path("config.yml")) -> dict[str, str]:
    """Relative POSIX path → SHA-256 of the file, for each input (config relative to root)."""
    return {path.as_posix(): file_sha256(root / path) for path in input_paths(root, config)}


def data_hash(inputs: dict[str, str]) -> str:
    """One hash of every input's path and contents."""
    digest = hashlib.sha256()
    for path in sorted(inputs):
        digest.update(f"{path}\0{inputs[path]}\n".encode())
    return digest.hexdigest()


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The inputs added, removed or edited between two models, as "+ path", "- path", "~ path"."""
    lines = [f"~ {path}" for path in sorted(before.keys() & after.keys()) if before[path] != after[path]]
    lines += [f"+ {path}" for path in sorted(after.keys() - before.keys())]
    return lines + [f"- {path}" for path in sorted(before.keys() - after.keys())]


def newest_change(root: Path, config: Path = Path("config.yml")) -> float:
    """The latest modification time of any input (what make compared a model's time with)."""
    return max((root / path).stat().st_mtime for path in input_paths(root, config))
