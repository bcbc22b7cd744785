"""`createcachetable` creates a table, so it runs as the owner role when DATABASE_OWNER_URL is set
(docs/security.md, "Database roles"); the runtime role gets its rights by default privileges."""
from django.core.management.commands.createcachetable import Command as CreateCacheTableCommand
from django.db import connections

from pbcity.dbroles import as_owner


class Command(CreateCacheTableCommand):
    def handle(self, *tablenames, **options):
        with as_owner(connections[options["database"]]):
            return super().handle(*tablenames, **options)
