"""The live room: the runtime that runs rules on stored state and carries out their outcomes, the
stores, timers, the cluster of processes, the connections, and the database side."""
