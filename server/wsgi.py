"""The WSGI app for gunicorn (``-k eventlet``): gunicorn's eventlet worker patches first.

Like ``python -m server``, the worker keeps start-up and, now and then, what has lived a while
out of the garbage collector's full passes (``server/tuning.py``)."""

from server import create_app
from server.extensions import socketio
from server.tuning import tune_collector

app = create_app()
tune_collector(socketio, app.config)
