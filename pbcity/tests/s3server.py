"""A local S3-compatible server for the tests of the bucket storage (pbcity/filestore.py).

MinIO's server is in neither PyPI nor Debian, and a downloaded binary would break an offline CI: the
tests use moto's server mode (`moto[server]`, requirements-test.txt), a real HTTP S3 endpoint on a free
private port, started once per test session by the `s3_server` fixture and only when a test asks for it
(docs/decisions.md, "Shared file storage and Add1 at scale").
"""
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest

from pbcity.settings.base import s3_storage as s3_storage_config

ACCESS_KEY, SECRET_KEY, REGION = "pbcity-test", "pbcity-test-secret", "us-east-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """The endpoint URL of a moto S3 server that lives for the test session."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(url + "/moto-api/", timeout=1)  # noqa: S310 - our own local server
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("moto's S3 server did not start (pip install -r requirements-test.txt)")
                time.sleep(0.1)
        else:
            raise RuntimeError("moto's S3 server did not answer")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def bucket_create(endpoint: str) -> str:
    import boto3

    name = f"pbcity-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                 region_name=REGION).create_bucket(Bucket=name)
    return name


def s3_env(endpoint: str, bucket: str) -> dict[str, str]:
    """The environment variables that put a process's uploads into `bucket` (deploy/pbcity.env.example)."""
    return {"S3_BUCKET": bucket, "S3_ENDPOINT_URL": endpoint, "S3_REGION": REGION,
            "S3_ACCESS_KEY_ID": ACCESS_KEY, "S3_SECRET_ACCESS_KEY": SECRET_KEY}


@pytest.fixture
def s3_storage(s3_server, settings):
    """This test's uploads go to a new, empty bucket; returns the bucket's name."""
    bucket = bucket_create(s3_server)
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage_config(
        bucket=bucket, endpoint=s3_server, region=REGION, access_key=ACCESS_KEY, secret_key=SECRET_KEY,
        expire=settings.S3_SIGNED_URL_SECONDS)}
    return bucket
