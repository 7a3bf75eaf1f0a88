"""Contracts, quality agreements and NDAs as living, versioned documents."""
