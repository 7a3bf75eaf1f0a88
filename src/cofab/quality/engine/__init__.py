"""Pure numerics of the quality domain: ISO 2859-1 sampling, switching rules, SPC, capability.

Nothing here touches the database or the web, so the same functions serve the CLI, the
services and the benchmark, and the tests can check them cell by cell against the standards.
"""
