"""The directory prometheus_client shares between uvicorn workers.

A module of its own, without prometheus_client: with
``PROMETHEUS_MULTIPROC_DIR`` set, importing :mod:`pluriel.ops.metrics`
already opens files in that directory, so the directory has to be ready
before that import, in the process that starts the workers.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["prepare_multiprocess_dir"]


def prepare_multiprocess_dir(path: str | Path) -> Path:
    """Create ``path`` and remove the value files of earlier runs, which would add to this one's."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    return folder
