"""Running cofab for real: processes, shutdown, health probes, backup and restore."""
