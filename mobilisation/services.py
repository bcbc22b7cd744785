"""Mobilisation flags: the request trace of an accepted ballot, computing flags, reviewing them, and
forgetting the network hashes (docs/decisions.md, "Mobilisation flags").

What each flag reads (docs/security.md, "Mobilisation flags and ballot secrecy"):
- assemblies: attendees (village asked at the door, who signed them in and when) and their open votes;
- the vote, while it runs: who took part (participations → voter: verification office or import
  batch) and `CastTrace` (network hash, kind of device, minute) — never a ballot;
- the vote, once the box is opened: the public board (co-approval) and `voting.BoardStratum`, the
  counts by day and by age band the opening kept in groups of ten or more ballots.
"""
import datetime
import hashlib
import hmac
import ipaddress
import re
from collections import Counter, defaultdict
from itertools import combinations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from assemblies.models import Assembly, Attendee, Vote
from pbcity.accounts import client_ip
from pbcity.systext import both_languages, systext
from voting.models import BallotChoice, BoardStratum, Participation, RegisterEntry, Round, Voter
from voting.rules import AGE_BANDS

from . import permissions as perm
from . import rules
from .models import CastTrace, Flag, FlagReview, NetworkErasure

K = Flag.Kind


# -- the request trace of an accepted ballot ------------------------------------------------

def _network_key() -> bytes:
    key = getattr(settings, "MOBILISATION_KEY", "") or ("pbcity-mobilisation:" + settings.SECRET_KEY)
    return key.encode()


def network_prefix(address: str) -> str:
    """The address's network: its /24 for IPv4, its /48 for IPv6 ("" when it is not an address)."""
    try:
        ip = ipaddress.ip_address((address or "").strip("[]"))
    except ValueError:
        return ""
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return str(ipaddress.ip_network(f"{ip}/{24 if ip.version == 4 else 48}", strict=False))


def network_hash(address: str) -> str:
    """A keyed hash (HMAC-SHA256 under MOBILISATION_KEY, outside the database) of the address's prefix."""
    prefix = network_prefix(address)
    if not prefix:
        return ""
    return hmac.new(_network_key(), prefix.encode(), hashlib.sha256).hexdigest()[:16]


_OS = (("iPad", "iPadOS"), ("iPhone", "iOS"), ("Android", "Android"), ("Windows", "Windows"),
       ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))
_BROWSERS = (("Line/", "LINE"), ("FBAN", "Facebook"), ("Edg", "Edge"), ("SamsungBrowser/", "Samsung"),
             ("Firefox/", "Firefox"), ("CriOS/", "Chrome"), ("Chrome/", "Chrome"), ("Version/", "Safari"))


def device_class(user_agent: str) -> str:
    """A coarse kind of device: operating system, browser and its major version ("iOS Safari 17")."""
    ua = user_agent or ""
    system = next((name for token, name in _OS if token in ua), "other")
    for token, name in _BROWSERS:
        if token in ua:
            match = re.search(re.escape(token) + r"[^\d]*(\d+)", ua)
            return f"{system} {name} {match.group(1) if match else ''}".strip()[:40]
    return f"{system} other"


def cast_trace_record(*, request, round_id: int, now=None) -> None:
    """Called by voting.observers after a new ballot was stored: the request's network and device only."""
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    # On election day's hot path: one plain INSERT (the ORM's create compiles a query per ballot, ≈ 0.3 ms of
    # CPU; docs/performance.md). The same row CastTrace.objects.create would write.
    with connection.cursor() as cur:
        cur.execute(_TRACE_SQL, [round_id, network_hash(client_ip(request)),
                                 device_class(request.META.get("HTTP_USER_AGENT", "")),
                                 connection.ops.adapt_datetimefield_value(now)])


_TRACE_SQL = f"INSERT INTO {CastTrace._meta.db_table} (round_id, network, device, minute) VALUES (%s, %s, %s, %s)"


# -- saving flags --------------------------------------------------------------------------

class _Batch:
    """The flags one computation raises for one assembly or round; the others of that scope lapse."""

    def __init__(self, *, cycle_id, district_id, assembly=None, round_=None, now=None):
        self.scope = {"assembly": assembly, "round": round_}
        self.base = {"cycle_id": cycle_id, "district_id": district_id}
        self.now = now or timezone.now()
        self.raised: list[Flag] = []

    def add(self, kind, measure: rules.Measure, *, subject, scope_label, subject_label="", proposal_id=None,
            count=0, total=0, details=None):
        if not measure.raised:
            return
        flag, _created = Flag.objects.update_or_create(
            kind=kind, proposal_id=proposal_id, subject=subject[:80], **self.scope,
            defaults={**self.base, "scope_label": scope_label, "subject_label": subject_label,
                      "value": measure.value, "threshold": measure.threshold, "baseline": measure.baseline,
                      "tail": measure.tail, "count": count, "total": total, "details": details or {},
                      "active": True, "computed_at": self.now})
        self.raised.append(flag)

    def finish(self, kinds) -> list[Flag]:
        keep = [f.pk for f in self.raised]
        Flag.objects.filter(kind__in=kinds, **self.scope).exclude(pk__in=keep).update(active=False,
                                                                                      computed_at=self.now)
        return self.raised


# -- assemblies ----------------------------------------------------------------------------

ASSEMBLY_KINDS = (K.VILLAGE_BLOC, K.STAFF_BLOC, K.SIGNIN_BURST)


def _blocs(batch, a, *, kind, group_of: dict, pool: list, votes: list, scopes: dict, labels: dict):
    """For each scope (item or table) and group, the group's share of the scope's votes against its share
    of the room (`pool`: the attendees who could vote)."""
    sizes = Counter(group_of[p] for p in pool if group_of.get(p))
    room = len(pool)
    by_scope: dict = defaultdict(Counter)
    totals: Counter = Counter()
    for attendee, scope in votes:
        totals[scope] += 1
        group = group_of.get(attendee)
        if group:
            by_scope[scope][group] += 1
    for scope, counts in by_scope.items():
        for group, x in counts.items():
            share = sizes[group] / room if room else 0.0
            m = rules.excess(x, totals[scope], share, **rules.BLOC)
            batch.add(kind, m, subject=f"{scope}|{group}", scope_label=scopes[scope], subject_label=labels[group],
                      proposal_id=scope[1] if scope[0] == "item" else None, count=x, total=totals[scope],
                      details={"group_size": sizes[group], "room": room})


def assembly_flags_compute(*, assembly, now=None) -> list[Flag]:
    """Recompute an assembly's flags: village blocs, sign-in clusters' blocs and sign-in bursts."""
    a = Assembly.objects.select_related("district").get(pk=assembly.pk)
    batch = _Batch(cycle_id=a.cycle_id, district_id=a.district_id, assembly=a, now=now)
    people = list(Attendee.objects.filter(assembly=a, signed_in_at__isnull=False)
                  .values("id", "village_code", "signed_in_by_id", "signed_in_by__name", "signed_in_at", "voter"))
    voted = a.status in (Assembly.Status.VOTING, Assembly.Status.CLOSED)
    pool = [p["id"] for p in people if p["voter"] or not voted]
    votes = list(Vote.objects.filter(item__assembly=a).values_list("attendee_id", "item_id", "item__table_id",
                                                                    "item__proposal_id", "item__proposal__title",
                                                                    "item__table__number"))
    scopes, item_votes, table_votes = {}, [], []
    for attendee, _item, table, proposal, title, number in votes:
        scopes[("item", proposal)] = systext("mobilisation.scope_item", title=title, assembly=a.title)
        item_votes.append((attendee, ("item", proposal)))
        if table:
            scopes[("table", table)] = systext("mobilisation.scope_table", number=number, assembly=a.title)
            table_votes.append((attendee, ("table", table)))
    villages = {p["id"]: p["village_code"] for p in people if p["village_code"]}
    village_labels = {v: systext("mobilisation.group_village", village=v) for v in villages.values()}
    clusters = rules.staff_clusters([(p["id"], p["signed_in_by_id"], p["signed_in_at"]) for p in people
                                     if p["signed_in_by_id"]])
    names = {p["signed_in_by_id"]: p["signed_in_by__name"] for p in people}
    cluster_of = {att: f"{staff}@{timezone.localtime(first):%H:%M}" for att, (staff, first) in clusters.items()}
    cluster_labels = {key: systext("mobilisation.group_staff", name=names.get(staff) or "—",
                                   time=f"{timezone.localtime(first):%H:%M}")
                      for key, (staff, first) in ((cluster_of[a_], clusters[a_]) for a_ in clusters)}
    for kind, group_of, labels in ((K.VILLAGE_BLOC, villages, village_labels),
                                   (K.STAFF_BLOC, cluster_of, cluster_labels)):
        for scoped in (item_votes, table_votes):
            _blocs(batch, a, kind=kind, group_of=group_of, pool=pool, votes=scoped, scopes=scopes, labels=labels)
    _signin_burst(batch, a, people)
    return batch.finish(ASSEMBLY_KINDS)


def _signin_burst(batch, a, people):
    times = sorted(p["signed_in_at"] for p in people)
    if not times:
        return
    count, start = rules.busiest_window(times, rules.SIGNIN_WINDOW_MINUTES)
    span = max((times[-1] - times[0]).total_seconds() / 60, 30.0)  # a door opens for half an hour at least
    expected = len(times) * rules.SIGNIN_WINDOW_MINUTES / span
    m = rules.burst(count, expected, **rules.SIGNIN_BURST)
    end = start + datetime.timedelta(minutes=rules.SIGNIN_WINDOW_MINUTES)
    in_window = [p for p in people if start <= p["signed_in_at"] < end]
    by_staff = Counter(p["signed_in_by__name"] or "—" for p in in_window)
    batch.add(K.SIGNIN_BURST, m, subject=f"signin@{start:%Y%m%d%H%M}",
              scope_label=systext("mobilisation.scope_assembly", assembly=a.title),
              subject_label=systext("mobilisation.group_window", start=f"{timezone.localtime(start):%H:%M}",
                                    minutes=rules.SIGNIN_WINDOW_MINUTES),
              count=count, total=len(times), details={"by_staff": dict(by_staff.most_common(5))})


# -- the vote ------------------------------------------------------------------------------

ROUND_KINDS = (K.NETWORK, K.DEVICE, K.OFFICE, K.LAST_DAY, K.AGE, K.BUNDLE)


def _round_label(r) -> str:
    return systext("mobilisation.scope_round", district=both_languages(r.district.name, r.district.name_en),
                   year=r.cycle.year)


def round_flags_compute(*, round_, now=None) -> list[Flag]:
    """Recompute a round's flags: while it runs from participations and request traces; once its box is
    opened, also per project from the board and the opening's group counts."""
    r = Round.objects.select_related("district", "cycle").get(pk=round_.pk)
    batch = _Batch(cycle_id=r.cycle_id, district_id=r.district_id, round_=r, now=now)
    label = _round_label(r)
    _trace_flags(batch, r, label)
    _office_flags(batch, r, label)
    if r.box_opened_at is not None:
        titles = dict(r.projects.values_list("proposal_id", "proposal__title"))
        _strata_flags(batch, r, titles)
        _bundle_flags(batch, r, titles)
    return batch.finish(ROUND_KINDS)


def _trace_flags(batch, r, label):
    traces = list(CastTrace.objects.filter(round=r).values_list("network", "device", "minute"))
    if not traces:
        return
    all_times = sorted(t[2] for t in traces)
    networks = {n for n, _d, _m in traces if n}
    by_network: dict = defaultdict(list)
    by_device: dict = defaultdict(list)
    for network, device, minute in traces:
        if network:
            by_network[network].append(minute)
        by_device[device or "other"].append(minute)
    span = datetime.timedelta(minutes=rules.NETWORK_WINDOW_MINUTES)

    def window_total(start):
        return sum(1 for t in all_times if start <= t < start + span)

    for network, times in by_network.items():
        count, start = rules.busiest_window(sorted(times), rules.NETWORK_WINDOW_MINUTES)
        in_window = window_total(start)
        m = rules.burst(count, in_window / len(networks), **rules.NETWORK_BURST)
        batch.add(K.NETWORK, m, subject=network, scope_label=label,
                  subject_label=systext("mobilisation.group_network", network=network[:8],
                                        start=f"{timezone.localtime(start):%m-%d %H:%M}"),
                  count=count, total=in_window, details={"networks": len(networks), "round_total": len(traces)})
    for device, times in by_device.items():
        count, start = rules.busiest_window(sorted(times), rules.NETWORK_WINDOW_MINUTES)
        in_window = window_total(start)
        m = rules.excess(count, in_window, len(times) / len(traces), **rules.OFFICE)
        batch.add(K.DEVICE, m, subject=device, scope_label=label,
                  subject_label=systext("mobilisation.group_device", device=device,
                                        start=f"{timezone.localtime(start):%m-%d %H:%M}"),
                  count=count, total=in_window, details={"device_total": len(times), "round_total": len(traces)})


def _office_flags(batch, r, label):
    """Who took part, by where they were verified (staff member in person, or household-register import),
    against the same split among the district's verified voters."""
    batch_of = Subquery(RegisterEntry.objects.filter(cycle_id=OuterRef("cycle_id"), id_hmac=OuterRef("id_hmac"))
                        .values("source_id")[:1])
    voters = (Voter.objects.filter(cycle_id=r.cycle_id, district_id=r.district_id, status=Voter.Status.VERIFIED)
              .annotate(batch=batch_of).values_list("id", "verified_via", "verified_by_id", "verified_by__name",
                                                    "batch"))
    group_of, names = {}, {}
    for vid, via, staff_id, staff_name, source in voters:
        if via == Voter.VerifiedVia.IN_PERSON and staff_id:
            group_of[vid] = f"staff:{staff_id}"
            names[group_of[vid]] = systext("mobilisation.group_office", name=staff_name or "—")
        elif source:
            group_of[vid] = f"import:{source}"
            names[group_of[vid]] = systext("mobilisation.group_import", number=source)
    if not group_of:
        return
    voted = Counter(group_of.get(v) for v in Participation.objects.filter(round=r).values_list("voter_id", flat=True))
    n = sum(voted.values())
    sizes = Counter(group_of.values())
    for group, x in voted.items():
        if group is None:
            continue
        m = rules.excess(x, n, sizes[group] / len(group_of), **rules.OFFICE)
        batch.add(K.OFFICE, m, subject=group, scope_label=label, subject_label=names[group], count=x, total=n,
                  details={"verified_in_group": sizes[group], "verified": len(group_of)})


def _strata_flags(batch, r, titles):
    rows = list(BoardStratum.objects.filter(round=r).values_list("kind", "lo", "hi", "proposal_id", "ballots"))
    for kind in (BoardStratum.Kind.DAY, BoardStratum.Kind.AGE):
        totals = {(lo, hi): n for k, lo, hi, p, n in rows if k == kind and p is None}
        if len(totals) < 2:  # one group (or none): nothing to compare
            continue
        all_ballots = sum(totals.values())
        chosen: dict = defaultdict(dict)
        for k, lo, hi, p, n in rows:
            if k == kind and p is not None:
                chosen[p][(lo, hi)] = n
        for proposal, groups in chosen.items():
            n = sum(groups.values())
            if kind == BoardStratum.Kind.DAY:
                last = max(totals)
                candidates = [last]
            else:
                candidates = list(totals)
            best = None
            for group in candidates:
                m = rules.excess(groups.get(group, 0), n, totals[group] / all_ballots,
                                 **(rules.LAST_DAY if kind == BoardStratum.Kind.DAY else rules.AGE))
                if best is None or m.tail < best[1].tail:
                    best = (group, m)
            group, m = best
            title = titles.get(proposal, str(proposal))
            if kind == BoardStratum.Kind.DAY:
                day = timezone.localdate(r.opens_at) + datetime.timedelta(days=group[0])
                batch.add(K.LAST_DAY, m, subject=f"day:{group[0]}-{group[1]}", proposal_id=proposal,
                          scope_label=systext("mobilisation.scope_project", title=title),
                          subject_label=systext("mobilisation.group_days", first=str(day),
                                                days=group[1] - group[0] + 1),
                          count=groups.get(group, 0), total=n, details={"groups": _groups(groups, totals)})
            else:
                lo_age, hi_age = AGE_BANDS[group[0]][0], AGE_BANDS[group[1]][1]
                batch.add(K.AGE, m, subject=f"age:{group[0]}-{group[1]}", proposal_id=proposal,
                          scope_label=systext("mobilisation.scope_project", title=title),
                          subject_label=systext("mobilisation.group_ages", lo=lo_age,
                                                hi="+" if hi_age is None else f"–{hi_age}"),
                          count=groups.get(group, 0), total=n, details={"groups": _groups(groups, totals)})


def _groups(groups, totals) -> list:
    return [{"lo": lo, "hi": hi, "project": groups.get((lo, hi), 0), "all": n}
            for (lo, hi), n in sorted(totals.items())]


def _bundle_flags(batch, r, titles):
    """How often voters of one project chose another, against that project's share of all ballots."""
    ballots: dict = defaultdict(set)
    for ballot, proposal in BallotChoice.objects.filter(round=r).values_list("ballot_id", "proposal_id"):
        ballots[ballot].add(proposal)
    n_all = len(ballots)
    if not n_all:
        return
    single, pairs = Counter(), Counter()
    for chosen in ballots.values():
        single.update(chosen)
        pairs.update(combinations(sorted(chosen), 2))
    for (p, q), co in pairs.items():
        # Read from the smaller project: "of P's voters, how many also chose Q" against Q's share.
        p, q = (p, q) if single[p] <= single[q] else (q, p)
        m = rules.excess(co, single[p], single[q] / n_all, **rules.BUNDLE)
        lift = co * n_all / (single[p] * single[q])
        batch.add(K.BUNDLE, m, subject=f"{p}+{q}", proposal_id=p,
                  scope_label=systext("mobilisation.scope_project", title=titles.get(p, str(p))),
                  subject_label=systext("mobilisation.group_bundle", title=titles.get(q, str(q))),
                  count=co, total=single[p], details={"other": q, "lift": round(lift, 2), "other_total": single[q],
                                                      "ballots": n_all})


# -- on demand and reviews -----------------------------------------------------------------

def flags_recompute(*, actor, assembly=None, round_=None) -> None:
    """Recompute now (the flag list's button): queued for a worker, after the commit."""
    from pbcity.tasks import enqueue

    target = assembly or round_
    if target is None or not perm.can_compute(target.district_id, actor):
        raise PermissionDenied(_("Only the district office and the committee see mobilisation flags."))
    if assembly is not None:
        enqueue("mobilisation.tasks.assembly_flags", assembly.pk)
    else:
        enqueue("mobilisation.tasks.round_flags", round_.pk)


def flag_review(*, flag, actor, decision: str, reason: str) -> FlagReview:
    """A reviewer's decision on a flag, with the reason; append-only and on the audit chain."""
    if not perm.can_review(flag, actor):
        raise PermissionDenied(_("Only the district office and the committee review mobilisation flags."))
    if decision not in FlagReview.Decision.values:
        raise ValidationError(_("Choose a decision: benign, under investigation, or action taken."))
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError(_("Say why, in a sentence: the review is kept on the audit chain."))
    with transaction.atomic():
        Flag.objects.select_for_update().get(pk=flag.pk)  # one review at a time per flag: the order is the record
        return FlagReview.objects.create(flag=flag, decision=decision, reason=reason[:1000], by=actor)


def mobilisation_forget_networks(*, cycle, by) -> int:
    """Delete the network hashes of a cycle's rounds (once its evaluation is published); returns how many.

    `by` is the person publishing the evaluation, or None for `manage.py mobilisation_forget_networks`.
    Network flags keep their numbers and reviews, not the hash.
    """
    if by is not None and not perm.can_forget_networks(by):
        raise PermissionDenied(_("Only civil-affairs staff and the committee delete the network hashes."))
    with transaction.atomic():
        traces = CastTrace.objects.filter(round__cycle=cycle).exclude(network="").update(network="")
        for flag in Flag.objects.select_for_update().filter(cycle=cycle, kind=K.NETWORK).exclude(
                subject__startswith="erased:"):
            flag.subject = f"erased:{flag.pk}"
            flag.subject_label = systext("mobilisation.group_network_erased")
            flag.details = {k: v for k, v in flag.details.items() if k != "network"}
            flag.save(update_fields=["subject", "subject_label", "details"])
        NetworkErasure.objects.create(cycle=cycle, by=by, traces=traces)
    return traces
