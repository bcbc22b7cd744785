"""scripts/backup.sh → an empty database and media folder → scripts/restore.sh: the same rows, the same
files, and an audit chain that still verifies (docs/deployment.md, "Backups")."""
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from pbcity.backup import manifest
from proposals import services
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast

ROOT = Path(settings.BASE_DIR)
pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not os.environ.get("DATABASE_OWNER_URL"), reason="needs scripts/test.sh's PostgreSQL")]

def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (11, 93, 122)).save(out, format="PNG")
    return out.getvalue()


PNG = _png()


def _url(user_url: str, dbname: str) -> str:
    return user_url.rsplit("/", 1)[0] + "/" + dbname


def _env(dbname: str, media: Path, extra: dict | None = None) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("S3_")},
        **(extra or {}),
        "DATABASE_URL": _url(os.environ["DATABASE_URL"], dbname),
        "DATABASE_OWNER_URL": _url(os.environ["DATABASE_OWNER_URL"], dbname),
        "MEDIA_ROOT": str(media),
        "DJANGO_SETTINGS_MODULE": "pbcity.settings.test",
    }


def _psql(sql: str):
    pg_bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    subprocess.run([str(pg_bin / "psql"), "-q", "-d", _url(os.environ["DATABASE_OWNER_URL"], "postgres"), "-c", sql],
                   check=True, capture_output=True)


def test_backup_then_restore_into_an_empty_database_gives_back_rows_files_and_a_verifying_chain(
        tmp_path, settings, district, other_district, cycle):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    cast = Cast(district, other_district)
    p = cast.walk(cycle, State.AGENCIES_ASSIGNED)
    services.attachment_add(proposal=p, actor=cast["district"], upload=SimpleUploadedFile("site.png", PNG))
    before = manifest()
    assert before["audit"]["ok"] and before["audit"]["position"] > 0
    assert len(before["files"]) == 1

    source = connection.settings_dict["NAME"]
    made = subprocess.run(["bash", str(ROOT / "scripts" / "backup.sh"), str(tmp_path / "backups")],
                          env=_env(source, media), capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().splitlines()[-1])
    assert {f.name for f in backup.iterdir()} >= {"database.dump", "media.tar", "manifest.json", "SHA256SUMS"}

    # The disaster: a new, empty database and an empty media folder.
    target = f"pbcity_restore_{uuid.uuid4().hex[:8]}"
    _psql(f'CREATE DATABASE "{target}" OWNER pbcity_owner')
    try:
        fresh = tmp_path / "fresh-media"
        restored = subprocess.run(["bash", str(ROOT / "scripts" / "restore.sh"), str(backup)],
                                  env=_env(target, fresh), capture_output=True, text=True, timeout=300)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "restore matches the backup" in restored.stdout
        assert (fresh / next(iter(before["files"]))).read_bytes() == PNG
        # Restoring over a database that is not empty is refused.
        again = subprocess.run(["bash", str(ROOT / "scripts" / "restore.sh"), str(backup)],
                               env=_env(target, fresh), capture_output=True, text=True, timeout=300)
        assert again.returncode == 1 and "not empty" in again.stderr
        # A damaged backup is refused before anything is touched.
        with open(backup / "media.tar", "ab") as f:
            f.write(b"x")
        damaged = subprocess.run(["bash", str(ROOT / "scripts" / "restore.sh"), str(backup)],
                                 env=_env(target, fresh), capture_output=True, text=True, timeout=300)
        assert damaged.returncode == 1 and "damaged" in damaged.stderr
    finally:
        _psql(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


def test_with_an_s3_bucket_backup_and_restore_carry_every_object_into_an_empty_bucket(
        tmp_path, settings, s3_server, s3_storage, district, other_district, cycle):
    """The same scripts with S3_* set: objects are archived with their hashes and uploaded back."""
    import boto3

    from pbcity.tests.s3server import ACCESS_KEY, REGION, SECRET_KEY, bucket_create, s3_env

    settings.MEDIA_ROOT = str(tmp_path / "unused-media")
    cast = Cast(district, other_district)
    p = cast.walk(cycle, State.AGENCIES_ASSIGNED)
    a = services.attachment_add(proposal=p, actor=cast["district"], upload=SimpleUploadedFile("site.png", PNG))
    before = manifest()
    assert list(before["files"]) == [a.file.name]

    source = connection.settings_dict["NAME"]
    made = subprocess.run(["bash", str(ROOT / "scripts" / "backup.sh"), str(tmp_path / "backups")],
                          env=_env(source, tmp_path / "unused-media", s3_env(s3_server, s3_storage)),
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().splitlines()[-1])
    import json
    import tarfile

    assert json.loads((backup / "manifest.json").read_text())["files"] == before["files"]
    with tarfile.open(backup / "media.tar") as tar:
        assert tar.extractfile(a.file.name).read() == PNG
    assert not (tmp_path / "unused-media").exists()

    target = f"pbcity_restore_{uuid.uuid4().hex[:8]}"
    empty = bucket_create(s3_server)
    _psql(f'CREATE DATABASE "{target}" OWNER pbcity_owner')
    try:
        restored = subprocess.run(["bash", str(ROOT / "scripts" / "restore.sh"), str(backup)],
                                  env=_env(target, tmp_path / "unused-media", s3_env(s3_server, empty)),
                                  capture_output=True, text=True, timeout=300)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "restore matches the backup" in restored.stdout and "1 files" in restored.stdout
        s3 = boto3.client("s3", endpoint_url=s3_server, aws_access_key_id=ACCESS_KEY,
                          aws_secret_access_key=SECRET_KEY, region_name=REGION)
        assert s3.get_object(Bucket=empty, Key=a.file.name)["Body"].read() == PNG
        # An object that changed in the bucket after restore is named by backup_check.
        s3.put_object(Bucket=empty, Key=a.file.name, Body=b"tampered")
        check = subprocess.run([sys.executable, str(ROOT / "manage.py"), "backup_check", "--manifest",
                                str(backup / "manifest.json")],
                               env=_env(target, tmp_path / "unused-media", s3_env(s3_server, empty)),
                               capture_output=True, text=True, timeout=300)
        assert check.returncode == 1 and f"file {a.file.name}: content differs" in check.stderr
    finally:
        _psql(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
