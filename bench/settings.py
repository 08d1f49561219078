"""Settings of bench/web.py's gunicorn: production's, with a urlconf that adds the bare comparison view."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
