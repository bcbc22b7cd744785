"""The demo city's part of this app (called by portal.demo.build)."""


def seed(ref) -> dict:
    return {}
