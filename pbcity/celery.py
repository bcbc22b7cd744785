import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pbcity.settings.local")

app = Celery("pbcity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Periodic jobs (quarterly reports, reminders) join app.conf.beat_schedule as their apps land.
