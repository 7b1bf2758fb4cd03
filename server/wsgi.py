"""The WSGI app for gunicorn (``-k eventlet``): gunicorn's eventlet worker patches first.

Like ``python -m server``, the worker keeps start-up and, now and then, what has lived a while
out of the garbage collector's full passes (``server/serve.py``)."""

from server import create_app
from server.extensions import socketio
from server.serve import freeze_long_lived

app = create_app()
freeze_long_lived(socketio)
