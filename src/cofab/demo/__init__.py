"""Demo data modelled on the domain text's three case studies, with invented company names."""
