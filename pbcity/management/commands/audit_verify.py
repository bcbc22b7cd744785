"""Recompute the audit chain; report the first broken link; exit 1 when anything fails to verify."""
import json

from django.core.management.base import BaseCommand, CommandError

from pbcity.audit.verify import chain_verify


def heads_read(path) -> dict[int, str]:
    """Published heads: JSON ([{"position": n, "hash": h}, …] or {"n": h}) or lines "position hash"."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        data = json.loads(text)
    except ValueError:
        data = [line.split()[:2] for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if isinstance(data, dict):
        data = list(data.items())
    heads = {}
    for item in data:
        position, value = (item["position"], item.get("hash") or item["entry_hash"]) if isinstance(item, dict) else item
        heads[int(position)] = str(value)
    return heads


class Command(BaseCommand):
    help = "Verify the audit hash chain (and published heads, with --heads FILE); exit status 1 if broken."

    def add_arguments(self, parser):
        parser.add_argument("--heads", help="file of published heads: lines 'position hash', or JSON")

    def handle(self, *args, **options):
        try:
            heads = heads_read(options["heads"]) if options["heads"] else {}
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            raise CommandError(f"cannot read the heads file: {exc}") from exc
        report = chain_verify(heads=heads)
        head = report.head
        if head is not None:
            self.stdout.write(f"head: position {head.position} {head.entry_hash} sealed {head.sealed_at.isoformat()}")
        self.stdout.write(f"entries checked: {report.entries}; published heads given: {len(heads)}")
        if report.broken:
            self.stdout.write(f"BROKEN at {report.broken}")
        if report.forged:
            table, pk = report.forged
            self.stdout.write(f"FORGED: {table} row {pk} has no chain entry (inserted outside the application)")
        for problem in report.problems[:50]:
            self.stdout.write(f"INVARIANT {problem}")
        if len(report.problems) > 50:
            self.stdout.write(f"… and {len(report.problems) - 50} more")
        if not report.ok:
            raise CommandError("the audit trail does not verify", returncode=1)
        self.stdout.write(self.style.SUCCESS("OK: the audit chain verifies"))
