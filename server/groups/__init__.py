"""Groups and their schedules: the rules, without web code."""
