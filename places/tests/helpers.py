"""Load the vendored Taipei boundaries in a test, around whatever districts the test already made."""
from pbcity.models import District
from pbcity.reference import DISTRICTS


def load_taipei() -> dict:
    from places.services import places_load

    for code, name, name_en, _pop in DISTRICTS:
        if not District.objects.filter(name=name).exists():
            District.objects.create(code=code, name=name, name_en=name_en)
    places_load()
    return {d.code: d for d in District.objects.all()}


def inside_point(village):
    """A point inside the village (its centroid, which places_load keeps inside)."""
    return village.centroid_lon, village.centroid_lat
