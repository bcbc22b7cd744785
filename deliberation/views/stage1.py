"""Deliberation views: stage 1."""
