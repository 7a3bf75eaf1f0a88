"""The partner registry: companies, contacts, sites, capabilities and certifications."""
