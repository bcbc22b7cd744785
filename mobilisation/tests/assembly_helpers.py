"""A synthetic resident assembly for the flag tests, built through the assembly services: attendees
signed in at the door (their village asked), seated at two tables, five proposals, phone votes."""
import datetime
import random

from django.utils import timezone

from assemblies import services
from assemblies.models import Attendee
from pbcity.roles import Role
from pbcity.tests.factories import staff
from training.tests.factories import card_holder

VILLAGES = ["A01", "A02", "A03", "A04", "A05", "A06"]


class Room:
    def __init__(self, cycle, district, actor, *, seed=1):
        self.rng = random.Random(seed)
        self.actor = actor
        self.desk = [actor, staff(Role.DISTRICT_OFFICE, district=district)]
        self.a = services.assembly_plan(
            actor=actor, cycle=cycle, district=district, title="合成住民大會", venue="區公所禮堂",
            starts_at=timezone.now() + datetime.timedelta(days=1), top_k=2, votes_per_attendee=2)
        services.assembly_open(assembly=self.a, actor=actor)
        self.tables = [services.table_add(assembly=self.a, actor=actor, number=n, lead=card_holder(name=f"桌長{n}"),
                                          recorder=card_holder(name=f"記錄{n}")) for n in (1, 2)]
        self.start = timezone.now() - datetime.timedelta(hours=2)
        self.people: list[tuple[Attendee, str]] = []  # (attendee, role in the plot)
        self.items = []

    def sign_in(self, *, minute: float, village: str, by=None, role="crowd", table=0):
        att = services.attendee_walk_in(assembly=self.a, actor=self.actor, name=f"與會者{len(self.people)}",
                                        village_code=village)
        # The door's clock and hand: when and by whom this attendee was signed in.
        Attendee.objects.filter(pk=att.pk).update(
            signed_in_at=self.start + datetime.timedelta(minutes=minute), signed_in_by=by or self.desk[0])
        services.attendee_seat(table=self.tables[table], actor=self.actor, attendees=[att])
        self.people.append((att, role))
        return att

    def crowd(self, n=60):
        """Ordinary arrivals: one a minute over an hour, by two staff members, from six villages."""
        for i in range(n):
            self.sign_in(minute=i, village=VILLAGES[i % len(VILLAGES)], by=self.desk[i % 2], table=i % 2)

    def raise_items(self, n=5):
        """Five proposals: 0–2 at table 1, 3–4 at table 2."""
        for i in range(n):
            t = 0 if i < 3 else 1
            proposer = Attendee.objects.filter(assembly=self.a, table=self.tables[t]).first()
            self.items.append(services.assembly_proposal_record(
                table=self.tables[t], actor=self.tables[t].recorder, title=f"提案{i}", problem="問題", solution="解法",
                proposers=[proposer]))

    def vote(self, choose):
        """Open the vote; each attendee votes for the items `choose(role)` returns."""
        services.vote_open(assembly=self.a, actor=self.actor)
        for att, role in self.people:
            for index in choose(role):
                services.vote_cast(assembly=self.a, code=att.code, item_id=self.items[index].pk)
