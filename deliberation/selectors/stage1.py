"""Deliberation selectors."""
