"""Stage 1, source texts: reading them, anchoring quotes in them, the hedging words they use."""
