"""How a deployment's processes are doing: scheduled runs, heartbeats, the scheduler's leader."""
