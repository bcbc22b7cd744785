"""Key a household-register extract before it reaches the platform (docs/decisions.md, "Voting: eligibility").

Reads a CSV with the columns id_number, birth_date, district (from a file or standard input) and writes the
import file — id_hmac, birth_date, district — to standard output. Raw numbers are held only in memory; rows
with an invalid number are reported on standard error by line number, never by content.
"""
import csv
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from voting import rules


class Command(BaseCommand):
    help = "Turn a household-register CSV (id_number, birth_date, district) into the keyed import file."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="CSV file (default: standard input)")

    def handle(self, *args, path=None, **opts):
        key = settings.VOTER_ID_HMAC_KEY
        if not key:
            raise CommandError("VOTER_ID_HMAC_KEY is not set.")
        source = open(path, encoding="utf-8-sig", newline="") if path else sys.stdin
        try:
            rows = csv.reader(source)
            header = [c.strip().lower() for c in next(rows, [])]
            if header[:3] != ["id_number", "birth_date", "district"]:
                raise CommandError("The first line must be: id_number,birth_date,district")
            out = csv.writer(self.stdout, lineterminator="\n")
            out.writerow(["id_hmac", "birth_date", "district"])
            bad = 0
            for line, row in enumerate(rows, start=2):
                if len(row) < 3:
                    bad += 1
                    self.stderr.write(f"line {line}: missing columns")
                    continue
                normalised = rules.normalise_id(row[0])
                if rules.id_kind(normalised) is None:
                    bad += 1
                    self.stderr.write(f"line {line}: not a valid ID number")
                    continue
                out.writerow([rules.id_keyed(normalised, key=key.encode()), row[1].strip(), row[2].strip()])
        finally:
            if path:
                source.close()
        if bad:
            self.stderr.write(f"{bad} row(s) left out")
