"""The demo city, built app by app on the base's reference data and users (`manage.py seed_demo`).

The top layer calls each app's `demo.seed` explicitly, in an order that matters (assemblies need the
card holders that training creates), and hands the proposals and assemblies demos the steps whose
records belong to a higher app (a side track's deliberation record, a project's final report), so no
app's demo imports a peer. Every step is idempotent: running it twice adds nothing.
"""
from functools import partial

from assemblies import demo as assemblies_demo
from deliberation import demo as deliberation_demo
from pbcity import demo as city
from proposals import demo as proposals_demo
from tracking import demo as tracking_demo
from training import demo as training_demo
from voting import demo as voting_demo


def higher_steps() -> dict:
    """The lifecycle steps (proposals.demo.HIGHER_STEPS) done through an app above proposals."""
    return {
        "agree_direct_execution": partial(deliberation_demo.side_track, name="agree_direct_execution"),
        "exclude": partial(deliberation_demo.side_track, name="exclude"),
        "complete": tracking_demo.complete_with_report,
    }


def build() -> dict:
    ref = city.reference_data()
    ref["cycles"] = city.cycles()
    ref["users"] = city.users(ref)
    steps = higher_steps()
    ref["proposals"] = proposals_demo.seed(ref, steps=steps)
    ref["training"] = training_demo.seed(ref)
    ref["assemblies"] = assemblies_demo.seed(ref, complete=steps["complete"])
    ref["deliberation"] = deliberation_demo.seed(ref)
    ref["voting"] = voting_demo.seed(ref)
    ref["tracking"] = tracking_demo.seed(ref)
    return ref


LOGINS = [
    ("admin@demo.pbcity.tw", "site administrator (/admin/)"),
    ("resident1@demo.pbcity.tw … resident12@demo.pbcity.tw", "residents and proposers"),
    ("citizen-daan-1@demo.pbcity.tw … citizen-<district>-15@…", "card holders (1–7 basic, 8–10 advanced, 11–15 deliberation)"),
    ("daan-office@demo.pbcity.tw (any <district>-office@…)", "district-office staff"),
    ("civil@demo.pbcity.tw", "civil-affairs staff"),
    ("parks@demo.pbcity.tw, transportation@demo.pbcity.tw, … (<agency-code>@…)", "agency staff"),
    ("committee@demo.pbcity.tw", "committee member (audit trails)"),
    ("councillor-daan@demo.pbcity.tw", "councillor, Da'an"),
    ("trainer@demo.pbcity.tw", "trainer"),
]
