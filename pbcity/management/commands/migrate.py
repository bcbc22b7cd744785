"""`migrate` runs as the owner role when DATABASE_OWNER_URL is set (docs/security.md, "Database roles")."""
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connections

from pbcity.dbroles import as_owner


class Command(MigrateCommand):
    def handle(self, *args, **options):
        with as_owner(connections[options["database"]]):
            return super().handle(*args, **options)
