"""The Kreds load benchmark (``make bench``, ``python -m bench``): docs/benchmarks.md.

python-socketio asyncio clients in separate processes play small meetings against a real Kreds
server (and against a bare Flask-SocketIO relay, for comparison), ramping the number of meetings
until chat fan-out p99 passes 100 ms."""
