"""Job status for people and programs: progress bars, results, cancel (the queue is core.jobs)."""
