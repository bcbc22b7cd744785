"""Uploads in an S3-compatible bucket (a local moto server): stored there, served through the visibility
check as a short-lived presigned redirect, refused to others, sanitised again in place, archived and
restored (docs/decisions.md, "Shared file storage and Add1 at scale")."""
import io
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from pbcity.filestore import archive_restore, archive_write, is_object_store, stored_hashes
from pbcity.tests.hostile_files import bypass_pdf_comment_stream
from pbcity.tests.s3server import ACCESS_KEY, REGION, SECRET_KEY, bucket_create, s3_env
from pbcity.tests.upload_samples import pdf_bytes, png_bytes
from proposals import services
from proposals.models import Attachment
from proposals.states import State
from proposals.tests.lifecycle_helpers import Cast


def _s3(endpoint):
    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=ACCESS_KEY,
                        aws_secret_access_key=SECRET_KEY, region_name=REGION)


def _keys(endpoint, bucket) -> set[str]:
    return {o["Key"] for o in _s3(endpoint).list_objects_v2(Bucket=bucket).get("Contents", [])}


def _fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:  # noqa: S310 - the local test server
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, b""


@pytest.fixture
def cast(district, other_district):
    return Cast(district, other_district)


@pytest.fixture
def bucket(s3_storage, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "local-media")  # must stay empty: nothing is written to disk
    settings.PRIVATE_FILES_X_ACCEL_PREFIX = ""
    return s3_storage


def _attach(proposal, actor, name="計畫書.pdf", data=None):
    return services.attachment_add(proposal=proposal, actor=actor, upload=SimpleUploadedFile(name, data or pdf_bytes()))


@pytest.mark.django_db
def test_an_upload_is_stored_in_the_bucket_and_not_on_the_node(cast, cycle, bucket, s3_server, settings):
    assert is_object_store()
    a = _attach(cast.new_proposal(cycle), cast.proposer)
    assert _keys(s3_server, bucket) == {a.file.name}
    stored = _s3(s3_server).get_object(Bucket=bucket, Key=a.file.name)["Body"].read()
    assert stored.startswith(b"%PDF-") and stored == a.file.open("rb").read()  # the sanitised bytes
    assert not Path(settings.MEDIA_ROOT).exists()
    # Unsigned, the bucket refuses: only a presigned URL reads an object.
    assert _fetch(f"{s3_server}/{bucket}/{a.file.name}")[0] == 403


@pytest.mark.django_db
@pytest.mark.parametrize("who,allowed", [
    ("anonymous", False), ("resident", False), ("proposer", True), ("district", True),
    ("district_other", False), ("councillor", False),
])
def test_a_drafts_file_is_a_signed_redirect_for_those_who_may_see_it_and_a_404_for_others(
        client, cast, cycle, bucket, s3_server, who, allowed):
    a = _attach(cast.new_proposal(cycle), cast.proposer)
    if cast[who] is not None:
        client.force_login(cast[who])
    response = client.get(f"/proposals/{a.proposal_id}/files/{a.pk}/")
    if not allowed:
        assert response.status_code == 404 and "Location" not in response
        return
    assert response.status_code == 302
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    location = response["Location"]
    parts = urlsplit(location)
    query = parse_qs(parts.query)
    assert f"{parts.scheme}://{parts.netloc}" == s3_server and parts.path == f"/{bucket}/{a.file.name}"
    # Valid for S3_SIGNED_URL_SECONDS (60 s), signed, with the headers we choose inside the signature.
    assert query["X-Amz-Expires"] == ["60"] and query["X-Amz-Signature"][0]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["response-content-type"] == ["application/pdf"]
    assert query["response-content-disposition"][0].startswith("attachment;")
    assert query["response-cache-control"] == ["private, no-store"]
    status, headers, body = _fetch(location)
    assert status == 200 and body == a.file.open("rb").read()
    assert headers["Content-Type"] == "application/pdf"
    disposition = headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition


@pytest.mark.django_db
def test_an_image_is_shown_inline_and_the_lifetime_follows_the_setting(client, cast, cycle, bucket, settings):
    settings.S3_SIGNED_URL_SECONDS = 15
    p = cast.walk(cycle, State.RAISED)
    a = _attach(p, cast.proposer, name="site.png", data=png_bytes())
    client.force_login(cast.proposer)
    query = parse_qs(urlsplit(client.get(f"/proposals/{p.pk}/files/{a.pk}/")["Location"]).query)
    assert query["X-Amz-Expires"] == ["15"]
    assert query["response-content-type"] == ["image/png"]
    assert query["response-content-disposition"][0].startswith("inline;")


@pytest.mark.django_db
def test_a_row_whose_object_is_gone_is_a_404_not_a_dead_link(client, cast, cycle, bucket, s3_server):
    p = cast.walk(cycle, State.RAISED)
    a = _attach(p, cast.proposer)
    _s3(s3_server).delete_object(Bucket=bucket, Key=a.file.name)
    client.force_login(cast.proposer)
    response = client.get(f"/proposals/{p.pk}/files/{a.pk}/")
    assert response.status_code == 404 and "Location" not in response


@pytest.mark.django_db
def test_uploads_resanitise_rewrites_an_object_in_place_under_the_same_name(cast, cycle, bucket, s3_server):
    p = cast.walk(cycle, State.RAISED)
    old = Attachment.objects.create(  # as an upload stored before the sanitiser existed
        proposal=p, file=SimpleUploadedFile("plan.pdf", bypass_pdf_comment_stream()), original_name="plan.pdf",
        content_type="application/pdf", size=1, uploaded_by=cast.proposer)
    before = old.file.open("rb").read()
    out = StringIO()
    call_command("uploads_resanitise", "--apply", stdout=out)
    assert f"{old.file.name}: rewritten" in out.getvalue()
    assert _keys(s3_server, bucket) == {old.file.name}
    after = _s3(s3_server).get_object(Bucket=bucket, Key=old.file.name)["Body"].read()
    assert after != before and after.startswith(b"%PDF-") and b"<html" not in after.lower()
    again = StringIO()
    call_command("uploads_resanitise", stdout=again)
    assert "1 clean" in again.getvalue()


@pytest.mark.django_db
def test_archive_and_restore_round_trip_between_buckets_with_hashes(cast, cycle, bucket, s3_server, settings,
                                                                    tmp_path):
    p = cast.walk(cycle, State.RAISED)
    files = [_attach(p, cast.proposer), _attach(p, cast.proposer, name="a.png", data=png_bytes())]
    expected = stored_hashes()
    assert set(expected) == {f.file.name for f in files}
    archive = tmp_path / "media.tar"
    assert archive_write(out=archive) == expected

    empty = bucket_create(s3_server)
    settings.STORAGES = {**settings.STORAGES, "default": {
        **settings.STORAGES["default"],
        "OPTIONS": {**settings.STORAGES["default"]["OPTIONS"], "bucket_name": empty}}}
    assert stored_hashes() == {}
    assert archive_restore(archive=archive) == 2
    assert stored_hashes() == expected and _keys(s3_server, empty) == set(expected)
    assert archive_restore(archive=archive) == 2 and stored_hashes() == expected  # again: nothing changes


def test_an_archive_naming_a_file_outside_the_storage_is_refused_before_anything_is_written(tmp_path, settings):
    import tarfile

    settings.MEDIA_ROOT = str(tmp_path / "media")
    archive = tmp_path / "evil.tar"
    with tarfile.open(archive, "w") as tar:
        for name in ("ok.png", "../../etc/evil"):
            info = tarfile.TarInfo(name)
            info.size = 1
            tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(ValueError, match="unsafe name in the archive"):
        archive_restore(archive=archive)
    assert not (tmp_path / "media").exists()


def test_without_s3_bucket_uploads_stay_in_media_root_and_with_it_they_go_to_the_bucket():
    """`make run` is unchanged; S3_* variables (deploy/pbcity.env.example) switch every process to the bucket."""
    code = ("import django, json; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.STORAGES['default']))")
    base = {k: v for k, v in os.environ.items() if not k.startswith("S3_")}
    base["DJANGO_SETTINGS_MODULE"] = "pbcity.settings.test"

    def storages(env):
        run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                             cwd=django_settings.BASE_DIR, check=True)
        return json.loads(run.stdout.strip().splitlines()[-1])

    assert storages(base)["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    s3 = storages({**base, **s3_env("https://s3.example.internal", "city-files"), "S3_SIGNED_URL_SECONDS": "30"})
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"]["bucket_name"] == "city-files" and s3["OPTIONS"]["querystring_expire"] == 30
    assert s3["OPTIONS"]["endpoint_url"] == "https://s3.example.internal"
    assert s3["OPTIONS"]["querystring_auth"] is True and s3["OPTIONS"]["file_overwrite"] is False
