"""Where the templates, static files and migrations are.

In a checkout they sit beside the package; a built wheel carries them inside it
(see the force-include table in pyproject.toml).
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PACKAGE_DIR.parent / name
