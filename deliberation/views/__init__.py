"""Deliberation views."""
