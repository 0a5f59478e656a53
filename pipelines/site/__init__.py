"""The served site of the store (Datasette): metadata, templates, static files and the plugins of the desk."""

from pathlib import Path

__all__ = ["SITE_DIR", "DATABASE_NAME"]

SITE_DIR = Path(__file__).parent
# The store is always served under this name, whatever its file is called, so that links and queries stay valid.
DATABASE_NAME = "depeches"
