"""Serve Kreds: ``python -m server [--host H] [--port P]``.

Patching for eventlet (or gevent) happens in :mod:`server.serve` before anything imports
``socket``; this package's ``__init__`` imports nothing heavy, so that order holds."""

from server.serve import main

main()
