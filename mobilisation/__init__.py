"""Mobilisation flags for assemblies and the vote, seen by the district office and the committee only
(docs/decisions.md, "Mobilisation flags").
"""
