"""`flush` (the test runner's reset between transactional tests) as the owner role, which alone may
TRUNCATE the append-only tables, and only with `pbcity.flush` set (docs/decisions.md, "Database roles").
"""
from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from pbcity.dbroles import as_owner


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options["database"]]
        with as_owner(connection):
            if connection.vendor != "postgresql":
                return super().handle(**options)
            with connection.cursor() as cur:
                cur.execute("SET pbcity.flush = 'on'")
            try:
                return super().handle(**options)
            finally:
                with connection.cursor() as cur:
                    cur.execute("RESET pbcity.flush")
