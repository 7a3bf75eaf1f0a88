"""Partner selection: weighted criteria, AHP weights, TOPSIS, rank robustness, due diligence.

The numerics are pure modules (arrays in, arrays out) so the database layer, the CLI and the
benchmark share one implementation.
"""
