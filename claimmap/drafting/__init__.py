"""Drafting, apart from the stages: draft claim rows for a new article, for a curator to review."""
