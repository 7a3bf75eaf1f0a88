"""Owner business units: one group, several businesses, each seeing only its own records."""
