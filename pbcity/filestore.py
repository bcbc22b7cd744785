"""Where uploaded files live: the local folder MEDIA_ROOT, or an S3-compatible bucket (settings.S3_BUCKET).

Everything else goes through Django's storage API (`fieldfile.open`, `storage.save`, `storage.delete`); this
module holds the few things that API does not offer: a short-lived signed download URL for a private file,
and listing, archiving and restoring every stored file for a backup (pbcity/backup.py, scripts/backup.sh).
See docs/decisions.md, "Shared file storage and Add1 at scale".
"""
import hashlib
import io
import tarfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.functional import LazyObject, empty
from django.utils.http import content_disposition_header


def _resolved(storage):
    """The backend itself: default_storage (what every FileField holds) is a lazy wrapper around it."""
    if isinstance(storage, LazyObject):
        if storage._wrapped is empty:
            storage._setup()
        return storage._wrapped
    return storage


def is_object_store(storage=None) -> bool:
    """True when files live in an S3-compatible bucket rather than on this node's disk."""
    from storages.backends.s3 import S3Storage

    return isinstance(_resolved(storage or default_storage), S3Storage)


def signed_url(fieldfile, *, filename: str, content_type: str, inline: bool) -> str:
    """A URL that lets its holder GET this one object for S3_SIGNED_URL_SECONDS, with the headers we choose.

    The bucket answers with the stored type, our Content-Disposition and no caching whatever the object's
    metadata says (S3 `response-*` overrides are part of the signature, so the link cannot be altered).
    """
    storage = _resolved(fieldfile.storage)
    return storage.url(fieldfile.name, parameters={
        "ResponseContentType": content_type,
        "ResponseContentDisposition": content_disposition_header(not inline, filename),
        "ResponseCacheControl": "private, no-store",
    }, expire=settings.S3_SIGNED_URL_SECONDS)


# --- every stored file, for backups -------------------------------------------------------------

def stored_names(storage=None) -> list[str]:
    """The names of every stored file, sorted (a bucket is listed page by page, a folder walked)."""
    storage = _resolved(storage or default_storage)
    if is_object_store(storage):
        prefix = (storage.location.rstrip("/") + "/") if storage.location else ""
        return sorted(obj.key[len(prefix):] for obj in storage.bucket.objects.filter(Prefix=prefix)
                      if not obj.key.endswith("/"))
    root = Path(storage.location)
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root).as_posix()) for p in root.rglob("*") if p.is_file())


def _read(storage, name: str) -> bytes:
    with storage.open(name, "rb") as handle:
        return handle.read()


def stored_hashes(storage=None) -> dict[str, str]:
    """SHA-256 of every stored file, by name."""
    storage = _resolved(storage or default_storage)
    return {name: hashlib.sha256(_read(storage, name)).hexdigest() for name in stored_names(storage)}


def archive_write(*, out: Path, storage=None) -> dict[str, str]:
    """Copy every stored file into the tar archive `out`; returns the SHA-256 of what was archived, by name.

    Each file is read once: its hash is taken from the very bytes written to the archive.
    """
    storage = _resolved(storage or default_storage)
    hashes = {}
    with tarfile.open(out, "w") as tar:
        for name in stored_names(storage):
            try:
                data = _read(storage, name)
            except FileNotFoundError:
                continue  # deleted since it was listed (a replaced upload): nothing to keep
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o640
            tar.addfile(info, io.BytesIO(data))
            hashes[name] = hashlib.sha256(data).hexdigest()
    return hashes


def _member_name(raw: str) -> str:
    """A tar member's name as a storage name; refuses one that would leave the storage's root."""
    path = PurePosixPath(raw)
    parts = [p for p in path.parts if p not in (".", "")]
    if path.is_absolute() or ".." in parts or not parts:
        raise ValueError(f"unsafe name in the archive: {raw!r}")
    return "/".join(parts)


def archive_restore(*, archive: Path, storage=None) -> int:
    """Put every file of a backup's tar archive back into the storage, under its own name; returns how many.

    A file already stored with the same bytes is left alone; one with other bytes is replaced (the archive
    is the truth being restored). Names are checked before anything is written.
    """
    storage = _resolved(storage or default_storage)
    count = 0
    with tarfile.open(archive, "r") as tar:
        members = [m for m in tar.getmembers() if m.isfile()]
        names = [_member_name(m.name) for m in members]
        for member, name in zip(members, names, strict=True):
            data = tar.extractfile(member).read()
            if storage.exists(name):
                if _read(storage, name) == data:
                    count += 1
                    continue
                storage.delete(name)
            saved = storage.save(name, io.BytesIO(data))
            if saved != name:  # rows name the file: a renamed copy would be lost to them
                raise RuntimeError(f"{name} was restored as {saved}")
            count += 1
    return count
