"""The Kreds load benchmark (``make bench``, ``python -m bench``): docs/benchmarks.md.

Light asyncio Socket.IO clients (bench/client.py) in separate processes play small meetings
against a real Kreds server (and against a bare Flask-SocketIO relay, for comparison), ramping
the number of meetings until a step fails; ``python -m bench.soak`` holds a load for half an
hour."""
