"""The WSGI app for gunicorn (``-k eventlet``): gunicorn's eventlet worker patches first."""

from server import create_app

app = create_app()
