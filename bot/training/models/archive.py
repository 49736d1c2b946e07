"""What a trained model's archive says about itself: Rasa's metadata.json inside it (the model
id Rasa reports in GET /status, its version, when it was trained) and the archive's SHA-256."""
from __future__ import annotations

import json
import tarfile
from dataclasses import dataclass
from pathlib import Path

from bot.training.models.inputs import file_sha256

METADATA = "metadata.json"


@dataclass(frozen=True)
class ArchiveFacts:
    sha256: str
    rasa_model_id: str  # "" when the archive has no metadata (not a Rasa model)
    rasa_version: str
    trained_at: str  # Rasa's own time stamp, local time without a zone


def metadata(path: Path) -> dict:
    """Rasa's metadata.json, or {} when the archive has none or is no archive."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                if member.isfile() and member.name.lstrip("./") == METADATA:
                    extracted = archive.extractfile(member)
                    return json.load(extracted) if extracted else {}
    except (tarfile.TarError, OSError, json.JSONDecodeError):
        return {}
    return {}


def facts(path: Path) -> ArchiveFacts:
    found = metadata(path)
    return ArchiveFacts(file_sha256(path), str(found.get("model_id") or ""),
                        str(found.get("rasa_open_source_version") or ""), str(found.get("trained_at") or ""))
