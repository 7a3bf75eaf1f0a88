"""Quality with partners: inspection plans, lots and inspections, NCRs, 8Ds and partner audits.

The ISO 2859-1 tables, switching rules and SPC live in ``quality.engine`` (pure numerics); this
package keeps the records a supplier-quality engineer works in and the web around them.
"""
