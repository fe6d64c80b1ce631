"""One router per resource: verify, envs (and sessions), health and metrics, OpenRLHF compatibility."""
