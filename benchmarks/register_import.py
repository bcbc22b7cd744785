"""How fast the household-register import runs, and how fast it verifies the voters already waiting.

    DJANGO_SETTINGS_MODULE=pbcity.settings.test DATABASE_URL=postgres://owner@... \
        .venv/bin/python benchmarks/register_import.py [--rows 20000,100000] [--pending 2000]

On a throwaway test database (created and dropped like the test runner does): registers `pending`
voters who are waiting for verification (half of them in the file), writes a keyed CSV of `rows` register
entries (plus 1 % bad rows), and times `voting.services.voters.register_import_run` — the streamed,
batched import with its per-batch progress updates and the match of the waiting voters. Prints one
Markdown table. Taipei has about 2.5 million residents, so the rows/s figure says how long a whole
register takes.
"""
from __future__ import annotations

import argparse
import datetime
import io
import sys
import time

import django_setup  # noqa: F401  (the repository on the path, Django set up: before project imports)
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import setup_test_environment, teardown_test_environment


def keyed_for(n: int) -> str:
    from voting import rules

    return rules.id_keyed(f"N{n:012d}", key=settings.VOTER_ID_HMAC_KEY.encode())


def run(sizes: list[int], pending: int) -> None:
    from pbcity.models import Cycle, District
    from pbcity.roles import Role
    from pbcity.tests.factories import CycleFactory, DistrictFactory, UserFactory, staff
    from voting.models import RegisterEntry, RegisterImport, Voter
    from voting.services import voters as services

    codes = [DistrictFactory(code=f"d{i}").code for i in range(12)]
    civil = staff(Role.CIVIL_AFFAIRS)
    print("| register rows | waiting voters | import (s) | rows/s | voters verified | whole city (2.5 M rows) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for year, size in enumerate(sizes, start=2030):
        cycle = CycleFactory(year=year)
        district = District.objects.first()
        users = UserFactory.create_batch(pending)
        # Waiting voters are bulk-created (keyed IDs of people numbered 0..pending-1); every other one is
        # in the file with the same birth date, so the import verifies pending // 2 of them.
        Voter.objects.bulk_create(Voter(cycle=cycle, user=u, id_hmac=keyed_for(i), birth_date=datetime.date(1980, 1, 1),
                                        basis="household", district=district) for i, u in enumerate(users))
        out = io.StringIO()
        out.write("id_hmac,birth_date,district\n")
        for n in range(size):
            if n % 100 == 99:
                out.write("not-a-key,1980-01-01,d0\n")
                continue
            born = "1980-01-01" if n < pending and n % 2 == 0 else "1970-05-05"
            out.write(f"{keyed_for(n)},{born},{codes[n % 12]}\n")
        upload = SimpleUploadedFile("register.csv", out.getvalue().encode(), content_type="text/csv")
        started = time.perf_counter()
        # Outside a transaction the upload's on_commit runs at once: the (eager) task imports the file
        # there, the call below then finds the job done. Both are timed, with storing the upload.
        job = services.register_import_start(actor=civil, cycle=cycle, upload=upload)
        job = services.register_import_run(job_id=job.pk)
        took = time.perf_counter() - started
        assert job.status == RegisterImport.Status.DONE, job.rejected[:3]
        assert RegisterEntry.objects.filter(cycle=cycle).count() == job.accepted_rows
        print(f"| {size:,} | {pending:,} | {took:.1f} | {size / took:,.0f} | {job.matched_voters:,} "
              f"| {2_500_000 / (size / took) / 60:.1f} min |")
        assert Cycle.objects.filter(pk=cycle.pk).exists()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="20000,100000", help="register sizes (default 20000,100000)")
    parser.add_argument("--pending", type=int, default=2000, help="voters waiting for verification")
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    try:
        run([int(s) for s in args.rows.split(",")], args.pending)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()
    return 0


if __name__ == "__main__":
    sys.exit(main())
