"""Pure numerics of the risk domain: arrays in, arrays out, nothing else of cofab imported."""
