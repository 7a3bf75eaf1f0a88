"""Capacity expansion planning: where volume goes, what to engage, what to build or buy.

The numerics live in :mod:`cofab.planning.engine` (arrays in, arrays out); this package adds the
JSON input format, its validation, the plan document and the ``cofab plan`` commands around them.
"""
