"""`manage.py cycle_bundle` + scripts/verify_cycle.py on a small cycle: an assembly and a round that both
tie across their cap (fast; the demo's whole cycle is in test_demo_bundle.py, marked slow)."""
import datetime
import hashlib
import io
import json
import shutil
from contextlib import redirect_stdout

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from assemblies import services as assembly_services
from assemblies.models import Assembly
from pbcity.models import DistrictQuota
from training.tests.factories import card_holder
from voting.services import rounds as round_services
from voting.services import tally as tally_services
from voting.services.archive import rule_outcomes_compute
from voting.tests.round_helpers import cast, cast_people, civil, close, make_round, projects, verified_voter  # noqa: F401

from .kit import change_one_byte, rehash, verifier

pytestmark = pytest.mark.django_db


def _tied_assembly(cycle, district, actor) -> Assembly:
    """5 present, K=2: one proposal has 4 votes, two tie at 3 for the one place left."""
    s = assembly_services
    a = s.assembly_plan(actor=actor, cycle=cycle, district=district, title="住民大會", venue="區公所禮堂",
                        starts_at=timezone.now() + datetime.timedelta(days=1), top_k=2, votes_per_attendee=2)
    s.assembly_open(assembly=a, actor=actor)
    table = s.table_add(assembly=a, actor=actor, number=1, lead=card_holder(name="桌長"),
                        recorder=card_holder(name="記錄"))
    people = [s.attendee_walk_in(assembly=a, actor=actor, name=f"與會者{i}", contact=f"09{i:08d}") for i in range(5)]
    s.attendee_seat(table=table, actor=actor, attendees=people)
    items = [s.assembly_proposal_record(table=table, actor=table.recorder, title=t, problem="問題", solution="方法",
                                        location="某處", category="parks", proposers=people[:1]) for t in "一二三"]
    a = s.vote_open(assembly=a, actor=actor)
    one, two, three = items
    for att, picks in zip(people, [[one, two], [one, two], [one, three], [one, three], [two, three]]):
        for it in picks:
            s.vote_cast(assembly=a, code=att.code, item_id=it.pk)
    return s.assembly_close(assembly=a, actor=actor)


@pytest.fixture
def kit(tmp_path, civil, cycle, district, projects, district_staff, django_capture_on_commit_callbacks):
    assembly = _tied_assembly(cycle, district, district_staff)
    DistrictQuota.objects.create(cycle=cycle, district=district, admission_cap=2, vote_threshold=1)
    r = round_services.round_open(round_=make_round(civil, cycle, district, max_choices=3), actor=civil)
    a, b, c, d = projects
    for picks in ([a, b], [a, c], [a, b, c], [a], [d]):
        cast(r, verified_voter(cycle, district), picks)
    r = close(r, civil)
    with django_capture_on_commit_callbacks(execute=True):
        tally_services.round_tally_start(round_=r, actor=civil)
    rule_outcomes_compute(round_id=r.pk)
    r.refresh_from_db()
    out = tmp_path / "kit"
    call_command("cycle_bundle", cycle=cycle.year, out=str(out), stdout=io.StringIO())
    return {"path": out, "assembly": assembly, "round": r}


def _verify(path) -> tuple[int, str]:
    buf = io.StringIO()
    with redirect_stdout(buf):
        code = verifier().main([str(path)])
    return code, buf.getvalue()


def _edit(path, rel, change, rehash=True):
    target = path / rel
    target.write_text(change(target.read_text(encoding="utf-8")), encoding="utf-8")
    if rehash:  # a forger who rewrites the manifest as well
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        manifest["files"][rel] = hashlib.sha256(target.read_bytes()).hexdigest()
        (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_every_decision_matches_with_both_lots_reproduced(kit):
    code, out = _verify(kit["path"])
    assert code == 0, out
    a, r = kit["assembly"].pk, kit["round"].pk
    for line in (f"assembly {a} pass results: match", f"round {r} board → tally: match",
                 f"round {r} admission: match", f"round {r} rule comparison: match", f"round {r} .pb outcome: match",
                 "manifest: match"):
        assert line in out.splitlines(), out
    assert "0 differ; manifest.json SHA-256" in out


@pytest.mark.parametrize("what", ["assembly", "round"])
def test_a_lot_seed_that_does_not_match_its_commitment_is_named(kit, tmp_path, what):
    path = tmp_path / "copy"
    shutil.copytree(kit["path"], path)
    if what == "assembly":
        rel, name = f"assemblies/assembly-{kit['assembly'].pk}.json", f"assembly {kit['assembly'].pk} pass results"
        seed = kit["assembly"].lot_seed
    else:
        rel, name = f"rounds/round-{kit['round'].pk}.json", f"round {kit['round'].pk} admission"
        seed = kit["round"].lot_seed
    forged = ("0" if seed[0] != "0" else "1") + seed[1:]
    _edit(path, rel, lambda text: text.replace(seed, forged))
    code, out = _verify(path)
    assert code == 1
    line = next(ln for ln in out.splitlines() if ln.startswith(name))
    assert "DIFFERS" in line and "does not hash to the commitment" in line


def test_a_file_changed_without_the_manifest_is_named_and_a_stray_file_too(kit, tmp_path):
    path = tmp_path / "copy"
    shutil.copytree(kit["path"], path)
    r = kit["round"].pk
    _edit(path, f"rounds/round-{r}-rules.json", lambda t: t.replace('"greedy"', '"greedy/stop"', 1), rehash=False)
    (path / "rounds" / "extra.json").write_text("{}", encoding="utf-8")
    code, out = _verify(path)
    assert code == 1
    assert f"round {r} rule comparison: DIFFERS — rounds/round-{r}-rules.json: its SHA-256 is not the manifest's" in out
    assert "rounds/extra.json is not in the manifest" in out


def test_a_lot_drawn_before_commitments_is_not_reproducible_but_does_not_fail(kit, tmp_path):
    path = tmp_path / "copy"
    shutil.copytree(kit["path"], path)
    a = kit["assembly"]

    def legacy(text):
        doc = json.loads(text)
        doc["assembly"].update(lot_commitment="", lot_seed="", lot_algorithm=None)
        return json.dumps(doc)

    _edit(path, f"assemblies/assembly-{a.pk}.json", legacy)
    code, out = _verify(path)
    assert code == 0, out
    assert f"assembly {a.pk} pass results: not reproducible: drawn before 2027" in out


def test_the_command_refuses_an_unknown_cycle_and_a_used_directory(kit, cycle):
    with pytest.raises(CommandError, match="no cycle 1999"):
        call_command("cycle_bundle", cycle=1999, out=str(kit["path"].parent / "new"))
    with pytest.raises(CommandError, match="輸出目錄必須是新的或空的"):  # zh-Hant, the default language
        call_command("cycle_bundle", cycle=cycle.year, out=str(kit["path"]))
    with translation.override("en"), pytest.raises(CommandError, match="must be new or empty"):
        call_command("cycle_bundle", cycle=cycle.year, out=str(kit["path"]))


@pytest.mark.parametrize("rel, pattern, decision", [
    ("assemblies/assembly-{a}.json", r'"votes": (\d)', "assembly {a} pass results"),
    ("assemblies/assembly-{a}.json", r'"rank": (\d)', "assembly {a} pass results"),
    ("rounds/round-{r}.json", r'"receipt": "(\w)', "round {r} board → tally"),
    ("rounds/round-{r}.json", r'"drawn_order": \[\s*(\d)', "round {r} admission"),
    ("rounds/round-{r}.pb", r"VOTES\n[^\n]*\n\d+;(\d)", "round {r} .pb outcome"),
    ("rounds/round-{r}-rules.json", r'"selected": \[\s*"(\d)', "round {r} rule comparison"),
])
@pytest.mark.parametrize("forged_manifest", [False, True])
def test_one_changed_byte_names_the_decision_it_feeds(kit, tmp_path, rel, pattern, decision, forged_manifest):
    ids = {"a": kit["assembly"].pk, "r": kit["round"].pk}
    path = tmp_path / "copy"
    shutil.copytree(kit["path"], path)
    change_one_byte(path / rel.format(**ids), pattern)
    if forged_manifest:
        rehash(path)
    code, out = _verify(path)
    assert code == 1, out
    named = [ln for ln in out.splitlines() if ln.startswith(decision.format(**ids) + ": DIFFERS")]
    assert named, out
    if not forged_manifest:
        assert "its SHA-256 is not the manifest's" in named[0]
