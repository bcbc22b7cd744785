"""Settings for the Celery worker process that test_worker.py starts and kills (a real process, real Redis)."""
import os

from pbcity.settings.test import *  # noqa: F401,F403

CELERY_TASK_ALWAYS_EAGER = False
# E-mails as files, one per message, so the test process can count what the worker sent.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["TRACKING_TEST_MAIL_DIR"]
# A killed worker's unacknowledged message comes back after this long instead of an hour.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 5}
