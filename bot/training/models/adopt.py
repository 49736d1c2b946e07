"""A models/current.tar.gz that is a file rather than the registry's link (trained before the
registry existed, or put there by hand) is registered as it is and stays in service, so nothing
that served it changes. What it was trained on is known only as make knew it: it is newer than
every input; otherwise its data hash is left unknown (and `make model` trains a candidate)."""
from __future__ import annotations

import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

from bot.training.models.archive import facts
from bot.training.models.inputs import data_hash, newest_change, training_inputs
from bot.training.models.registry import UNKNOWN, Model, Registry


def adopt(registry: Registry, root: Path, config: Path = Path("config.yml")) -> Model | None:
    """The model adopted, or None when there is nothing to adopt."""
    link = registry.link
    if link.is_symlink() or not link.is_file():
        return None
    with registry.locked():
        if link.is_symlink() or not link.is_file():
            return None
        modified = link.stat().st_mtime
        inputs = training_inputs(root, config) if modified >= newest_change(root, config) else {}
        hashed = data_hash(inputs) if inputs else UNKNOWN
        trained_at = datetime.fromtimestamp(modified, timezone.utc)
        model_id = registry.new_id(hashed, trained_at)
        archive = registry.archive(model_id)
        try:
            os.link(link, archive)  # the same file under its id: current.tar.gz is never missing
        except OSError:
            shutil.copy2(link, archive)
        found = facts(archive)
        model = Model(model_id, hashed, trained_at.isoformat(timespec="seconds"), found.sha256, inputs,
                      {"adopted": f"{link.name}, a file trained before the registry or put there by hand",
                       "rasa_version": found.rasa_version, "rasa_model_id": found.rasa_model_id})
        registry.save(model)
        registry.put_in_service(model_id, "adopted")
    return model
