"""WSGI entry point of bench/web.py's gunicorn (bench settings: the site plus the bare view)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
application = get_wsgi_application()
