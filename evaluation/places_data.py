"""Place data for the evaluation (docs/decisions.md, "Places"): what each village (里) raised and received.

It reads proposals, their lifecycle log, voting's ballots and tracking's projects, so it lives here, above
them (places, below, only knows the villages). Six queries however many proposals and villages there are.

- raised: public proposals of the cycle placed in the village;
- passed_assembly: of those, the ones a resident assembly passed (lifecycle log `pass_assembly`);
- on_ballot: the ones put to the i-Voting (lifecycle log `open_vote`);
- funded: the ones that became projects (admitted by the vote, or direct execution);
- money_funded_ntd: per funded project its latest approved budget figure, else the proposal's estimated cost;
- nearest_funded_m: from the village's centroid to the nearest funded project of the cycle (its refined point,
  else its proposal's point, else its village's centroid), geodesic on the mean Earth sphere (haversine), in
  whole metres; empty when the cycle funded nothing placed.
"""
from dataclasses import asdict, dataclass

from places import geometry
from places.models import Village
from proposals.models import Proposal, TransitionLog
from tracking.models import BudgetFigure, Project


@dataclass
class VillageRow:
    code: str
    name: str
    name_en: str
    district_code: str
    district_name: str
    centroid_lon: str
    centroid_lat: str
    raised: int = 0
    passed_assembly: int = 0
    on_ballot: int = 0
    funded: int = 0
    money_funded_ntd: int = 0
    nearest_funded_m: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


FIELDS = list(VillageRow.__dataclass_fields__)


def village_statistics(*, cycle) -> list[VillageRow]:
    """One row per village of the city, in district and code order."""
    villages = list(Village.objects.select_related("district").only(
        "id", "code", "name", "name_en", "centroid_lon", "centroid_lat", "district__code", "district__name"))
    rows = {v.pk: VillageRow(code=v.code, name=v.name, name_en=v.name_en, district_code=v.district.code,
                             district_name=v.district.name, centroid_lon=str(v.centroid_lon),
                             centroid_lat=str(v.centroid_lat)) for v in villages}
    centroid = {v.pk: (v.centroid_lon, v.centroid_lat) for v in villages}
    proposals = Proposal.objects.public().filter(cycle=cycle, village__isnull=False)
    village_of = dict(proposals.values_list("id", "village_id"))
    for village_id in village_of.values():
        rows[village_id].raised += 1
    for name, attr in (("pass_assembly", "passed_assembly"), ("open_vote", "on_ballot")):
        ids = set(TransitionLog.objects.filter(transition=name, proposal__in=proposals)
                  .values_list("proposal_id", flat=True))
        for pid in ids:
            setattr(rows[village_of[pid]], attr, getattr(rows[village_of[pid]], attr) + 1)
    projects = list(Project.objects.filter(proposal__in=proposals).values_list(
        "id", "proposal_id", "point_lon", "point_lat", "proposal__point_lon", "proposal__point_lat",
        "proposal__estimated_cost"))
    approved = {}
    for project_id, amount in (BudgetFigure.objects.filter(project_id__in=[p[0] for p in projects], kind="approved")
                               .order_by("recorded_at", "id").values_list("project_id", "amount")):
        approved[project_id] = amount  # the latest wins
    points = []
    for project_id, pid, lon, lat, plon, plat, cost in projects:
        row = rows[village_of[pid]]
        row.funded += 1
        row.money_funded_ntd += approved.get(project_id, cost or 0)
        if lon is not None:
            points.append((lon, lat))
        elif plon is not None:
            points.append((plon, plat))
        else:
            points.append(centroid[village_of[pid]])
    if points:
        for village_id, row in rows.items():
            clon, clat = centroid[village_id]
            row.nearest_funded_m = round(min(geometry.distance_m(clon, clat, lon, lat) for lon, lat in points))
    return list(rows.values())


def as_geojson(rows: list[VillageRow], *, cycle) -> dict:
    """The rows as a GeoJSON FeatureCollection of the villages' boundaries (properties: the row)."""
    boundaries = dict(Village.objects.values_list("code", "boundary"))
    return {
        "type": "FeatureCollection",
        "name": f"pbcity-villages-{cycle.year}",
        "features": [{"type": "Feature", "geometry": boundaries[r.code], "properties": r.as_dict()} for r in rows],
    }
