"""The ballot box: a round's key pair, its shares, sealing a ballot and opening the box after close.

(docs/security.md, "Ballot secrecy"; docs/decisions.md, "Voting: secret ballots")

- **Key ceremony** (`round_keys_generate`, run by `manage.py round_keys` on an operator's machine,
  never by the web or a worker): 16 random bytes are the secret; the round's X25519 key pair is
  derived from them; the secret is split with Shamir's scheme (PyCryptodome) into `holders` shares
  of which any `quorum` rebuild it. Only the public key goes into the round. A share reads
  `pbk1-<fingerprint>-<index>-<32 hex>`: the fingerprint names the public key it belongs to.
- **Sealing** (`ballot_seal`, on the hot path): the ballot (round, receipt, choices) as compact
  JSON, padded with spaces to one length per round (so a ciphertext's length does not tell how many
  projects were chosen), encrypted with a libsodium sealed box to the round's public key.
- **Opening** (`ballot_box_open`): a quorum's shares rebuild the private key in this process's memory
  only; one transaction verifies the box chain, decrypts every ciphertext, checks each ballot against
  the round's rules, shuffles (`secrets.SystemRandom`), writes the plaintext board in that order with
  random ids, verifies it, destroys the ciphertexts and records the event. The key, the shares and the
  plaintexts are never stored, logged or sent to a task.
"""
import hashlib
import json
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from voting import permissions as perm
from voting import rules
from voting.models import Round, RoundEvent, SealedBallot

SHARE_PREFIX = "pbk1"
SECRET_BYTES = 16  # what Shamir (PyCryptodome) splits; the X25519 key is derived from it


def _private_key(secret: bytes) -> PrivateKey:
    return PrivateKey.from_seed(hashlib.sha256(b"pbcity-ballot-box:" + secret).digest())


def fingerprint(public_key: str) -> str:
    """8 hex digits naming a public key (printed on each share and the committee page)."""
    return hashlib.sha256(bytes.fromhex(public_key)).hexdigest()[:8]


def public_key_check(text: str) -> str:
    """A public key as 64 hex digits (X25519), or a clear error."""
    text = (text or "").strip().lower()
    if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
        raise ValidationError(_("A ballot-box public key is 64 hexadecimal digits, as `manage.py round_keys` "
                                "prints it."))
    return text


def round_keys_generate(*, holders: int, quorum: int) -> tuple[str, list[str]]:
    """A fresh key pair: (public key hex, one share per holder; any `quorum` of them open the box)."""
    from Crypto.Protocol.SecretSharing import Shamir

    if not (2 <= quorum <= holders <= 255):
        raise ValueError("need 2 <= quorum <= holders <= 255")
    secret = secrets.token_bytes(SECRET_BYTES)
    public = _private_key(secret).public_key.encode().hex()
    fp = fingerprint(public)
    shares = [f"{SHARE_PREFIX}-{fp}-{index}-{share.hex()}" for index, share in Shamir.split(quorum, holders, secret)]
    return public, shares


def _share_parse(text: str, fp: str) -> tuple[int, bytes]:
    parts = (text or "").strip().lower().split("-")
    bad = ValidationError(_("A key share reads pbk1-xxxxxxxx-n-… (64 characters after the number); check it for "
                            "typing errors."))
    if len(parts) != 4 or parts[0] != SHARE_PREFIX or not parts[2].isdigit() or len(parts[3]) != 2 * SECRET_BYTES:
        raise bad
    try:
        share = bytes.fromhex(parts[3])
    except ValueError as exc:
        raise bad from exc
    if parts[1] != fp:
        raise ValidationError(_("Share %(n)s belongs to another ballot box (key %(fp)s), not this round's.") % {
            "n": parts[2], "fp": parts[1]})
    return int(parts[2]), share


def shares_combine(*, public_key: str, shares) -> PrivateKey:
    """The private key rebuilt from a quorum's shares, checked against the round's public key."""
    from Crypto.Protocol.SecretSharing import Shamir

    fp = fingerprint(public_key)
    parsed = dict(_share_parse(s, fp) for s in shares if (s or "").strip())
    if len(parsed) < 2:
        raise ValidationError(_("Enter the shares of at least a quorum of key holders (two or more different "
                                "shares)."))
    key = _private_key(Shamir.combine(sorted(parsed.items())))
    if key.public_key.encode().hex() != public_key:
        raise ValidationError(_("These shares do not open this round's ballot box: too few of them, or one is "
                                "mistyped."))
    return key


def plaintext_size(n_projects: int) -> int:
    """One padded length per round: room for the round, the receipt, the coarse traits and every project
    with a long value."""
    return 128 + 32 * n_projects


_BOXES: dict[str, SealedBox] = {}


def ballot_seal(*, public_key: str, round_id: int, receipt: str, chosen: dict, n_projects: int,
                traits: list | None = None) -> bytes:
    """The ballot encrypted to the round's public key (a sealed box: only the private key opens it).

    `traits` ([day of the vote, age band], voting/rules/strata.py) travel sealed with the choices and
    are only ever counted in groups of at least ten ballots when the box is opened."""
    data = {"r": round_id, "k": receipt, "c": sorted([int(p), int(v)] for p, v in chosen.items())}
    if traits is not None:
        data["t"] = [int(t) for t in traits]
    body = json.dumps(data, separators=(",", ":")).encode()
    size = plaintext_size(n_projects)
    if len(body) > size:
        raise ValueError("ballot larger than the round's padded size")
    box = _BOXES.get(public_key)
    if box is None:
        box = _BOXES[public_key] = SealedBox(PublicKey(bytes.fromhex(public_key)))
    return box.encrypt(body.ljust(size, b" "))


def _open_one(box: SealedBox, ciphertext: bytes, *, round_id: int, spec, costs: dict) -> tuple[str, list, tuple]:
    """Decrypt and check one sealed ballot; ValueError names what is wrong (never what it says)."""
    try:
        data = json.loads(box.decrypt(bytes(ciphertext)))
    except (CryptoError, ValueError) as exc:
        raise ValueError("a sealed ballot cannot be decrypted with this round's key") from exc
    if not isinstance(data, dict) or data.get("r") != round_id or not isinstance(data.get("k"), str):
        raise ValueError("a sealed ballot belongs to another round or is malformed")
    try:
        choices = {int(p): int(v) for p, v in data.get("c", [])}
        chosen = rules.ballot_validate(spec, choices, projects=costs)
    except (rules.BallotInvalid, TypeError, ValueError) as exc:
        raise ValueError("a sealed ballot breaks the round's rules") from exc
    traits = data.get("t")
    if not (isinstance(traits, list) and len(traits) == 2 and all(isinstance(t, int) for t in traits)):
        traits = (-1, -1)  # a ballot sealed without traits counts in no group
    return data["k"], sorted((int(p), int(v)) for p, v in chosen.items()), tuple(traits)


def ballot_box_open(*, round_, shares, actor=None) -> Round:
    """Open a closed round's ballot box with a quorum's shares and write its plaintext board.

    `actor` is None for the operator's command (`manage.py ballot_box_open`); on the committee page it
    is the member submitting the quorum's shares.
    """
    from .board import board_verify, board_write, box_verify
    from .strata import strata_write

    with transaction.atomic():
        r = Round.objects.select_for_update().select_related("cycle").get(pk=round_.pk)
        if actor is not None and not perm.can_open_box(r, actor):
            raise PermissionDenied(_("Only committee members and civil-affairs staff open the ballot box."))
        if r.status != Round.Status.CLOSED:
            raise ValidationError(_("Only a closed round's ballot box can be opened."))
        if r.box_opened:
            raise ValidationError(_("This ballot box has already been opened."))
        key = shares_combine(public_key=r.public_key, shares=shares)
        broken = box_verify(round_=r)
        if broken:
            raise ValidationError(_("The ballot box does not verify: %(b)s") % {"b": broken})
        box = SealedBox(key)
        del key
        spec, costs = r.spec, dict(r.projects.values_list("proposal_id", "cost"))
        ballots = []
        try:
            for ciphertext in (SealedBallot.objects.filter(round_id=r.pk).values_list("ciphertext", flat=True)
                               .iterator(2000)):
                if ciphertext is None:
                    raise ValueError("a sealed ballot's ciphertext is gone")
                ballots.append(_open_one(box, ciphertext, round_id=r.pk, spec=spec, costs=costs))
        except ValueError as exc:
            raise ValidationError(_("The ballot box cannot be opened: %(why)s. Nothing was written.") % {
                "why": exc}) from exc
        del box
        # The board's order, ids and row order follow this shuffle, not the order of voting.
        secrets.SystemRandom().shuffle(ballots)
        size, head = board_write(round_=r, ballots=[(k, c) for k, c, _t in ballots])
        # The traits are only counted, in groups of ten or more ballots (voting/services/strata.py).
        strata_write(round_=r, ballots=ballots)
        ballots.clear()
        r.board_size, r.board_head, r.box_opened_at = size, head, timezone.now()
        r.save(update_fields=["board_size", "board_head", "box_opened_at"])
        broken = board_verify(round_=r)
        if broken:  # cannot happen unless the database changed it under us: keep the ciphertexts
            raise ValidationError(_("The board written from the box does not verify: %(b)s") % {"b": broken})
        # The board verifies: destroy the ciphertexts, the last link from voters to ballots.
        SealedBallot.objects.filter(round_id=r.pk).update(ciphertext=None)
        RoundEvent.objects.create(round=r, actor=actor, action="open_box", old_status=r.status, new_status=r.status,
                                  reason=_("Ballot box opened with %(k)s key shares: %(n)s ballots on the board, "
                                           "ciphertexts destroyed") % {"k": len([s for s in shares if s.strip()]),
                                                                       "n": size})
    return r


__all__ = ["ballot_box_open", "ballot_seal", "fingerprint", "public_key_check", "round_keys_generate",
           "shares_combine"]
