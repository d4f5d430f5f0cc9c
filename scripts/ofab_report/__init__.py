"""scripts/report's parts: reading traces, plotting, the run and sweep pages."""
