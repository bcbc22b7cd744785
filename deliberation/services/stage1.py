"""Deliberation services."""
