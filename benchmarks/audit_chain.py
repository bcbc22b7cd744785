"""What the audit hash chain costs: hashing alone, each audit row written, and a full verification.

    DJANGO_SETTINGS_MODULE=pbcity.settings.test DATABASE_URL=postgres://owner@... \
        .venv/bin/python benchmarks/audit_chain.py [--rows 2000,10000]

1. The pure module (`pbcity/audit/chain.py`): build and verify a chain of 100,000 small records.
2. On a throwaway test database (created and dropped like the test runner does): write `rows` consents,
   one transaction each, as `proposals.services.consent_record` does, with the chain's signals on and
   then off (so the difference is the chain's cost per audit row: entry insert, read-back, seal);
   then `audit_verify`'s `chain_verify` over the whole chain.
Prints one Markdown table.
"""
from __future__ import annotations

import argparse
import sys
import time

import django_setup  # noqa: F401  (the repository on the path, Django set up: before project imports)
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.test.utils import setup_test_environment, teardown_test_environment

from pbcity.audit import chain
from pbcity.audit.entries import _on_save
from pbcity.models import AuditEntry


def pure(n: int = 100_000) -> tuple[float, float]:
    started = time.perf_counter()
    head, entries = chain.GENESIS, []
    for i in range(1, n + 1):
        record = {"id": i, "reason": "住民大會表決通過", "to_state": "assembly_passed"}
        e = chain.make_entry(position=i, ref=f"proposals.transitionlog:{i}", record=record, prev_hash=head)
        entries.append({**e.__dict__, "record": record})
        head = e.entry_hash
    built = time.perf_counter() - started
    started = time.perf_counter()
    assert chain.verify_chain(entries) is None
    return n / built, n / (time.perf_counter() - started)


def write(proposer, actor, rows: int) -> float:
    from proposals.models import Consent

    started = time.perf_counter()
    for i in range(rows):
        with transaction.atomic():
            Consent.objects.create(proposer=proposer, kind="merge", given=bool(i % 2), recorded_by=actor)
    return (time.perf_counter() - started) / rows * 1000


def run(sizes: list[int]) -> None:
    from pbcity.audit.verify import chain_verify
    from pbcity.tests.factories import UserFactory
    from proposals.tests.factories import ProposalFactory, add_proposer

    built, verified = pure()
    print(f"Pure chain module: build {built:,.0f} entries/s, verify {verified:,.0f} entries/s (100,000 records)\n")
    print("| audit rows in the chain | write, chain on (ms/row) | write, chain off (ms/row) | chain_verify (s) "
          "| verify (rows/s) |")
    print("|---:|---:|---:|---:|---:|")
    proposer = add_proposer(ProposalFactory())
    actor = UserFactory()
    for size in sizes:
        missing = size - AuditEntry.objects.count()
        on = write(proposer, actor, missing)
        post_save.disconnect(dispatch_uid="pbcity_audit_entries")
        try:
            off = write(proposer, actor, min(missing, 500))
        finally:
            post_save.connect(_on_save, dispatch_uid="pbcity_audit_entries")
        # The rows written with the chain off have no entries: verification reports them as forged,
        # after reading the whole chain, which is what is timed.
        started = time.perf_counter()
        report = chain_verify()
        took = time.perf_counter() - started
        assert report.broken is None, report.broken
        print(f"| {report.entries:,} | {on:.2f} | {off:.2f} | {took:.2f} | {report.entries / took:,.0f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="2000,10000", help="chain sizes, ascending (default 2000,10000)")
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    try:
        run(sorted(int(s) for s in args.rows.split(",")))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()
    return 0


if __name__ == "__main__":
    sys.exit(main())
