"""The room's core: its state, the rules that change it, the snapshots each audience sees, the
errors. Plain Python: no Flask, no sockets, time passed in as ``now``."""
