"""Browsing and verifying the hash-chained audit log (the chain itself lives in core.audit)."""
