"""Building an export's ZIP; see archive.py."""

from exports.builder.archive import SCHEMA_VERSION, BuildStats, build_archive

__all__ = ["SCHEMA_VERSION", "BuildStats", "build_archive"]
