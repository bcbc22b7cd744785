"""Deliberation views: pre-meeting."""
