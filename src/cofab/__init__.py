"""cofab: run manufacturing-expansion partnerships end to end."""

__version__ = "0.1.0"
