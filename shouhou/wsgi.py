"""WSGI entry point (gunicorn shouhou.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouhou.settings")
application = get_wsgi_application()
