"""Places: the city's districts and villages (里) with their boundaries, and maps (docs/decisions.md, "Places").
"""
