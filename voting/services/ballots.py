"""Casting a ballot: the hot path of election day (docs/decisions.md, "Voting: secret ballots").

One statement on PostgreSQL (so one implicit transaction and one round trip): a data-modifying CTE
inserts the participation (ON CONFLICT DO NOTHING; its trigger checks the round is open and holds it
FOR SHARE), then the ballot **encrypted to the round's public key** (services/ballot_box.py) only if
the participation was new. Nothing in the database can read it: the plaintext board is written,
shuffled, when the key holders open the box after close. No chain work here: the ballot box chains
ciphertexts in batches (services/board.py).

The form carries a one-time key (128 random bits). The receipt and the participation's token are
two different hashes of it, so a replay of the same form finds its participation and gets the same
receipt back, while the database holds nothing that leads from a voter to a receipt.

The receipt e-mail carries one sealed argument (user, round and receipt encrypted under
RECEIPT_MAIL_KEY, which is not in the database): task arguments, the outbox, failure records and log
lines hold no user id beside a receipt.
"""
import base64
import hashlib
import secrets
from contextlib import nullcontext
from dataclasses import dataclass
from uuid import uuid4

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from voting import permissions as perm
from voting import rules
from voting.dbguards import ROUND_NOT_OPEN
from voting.models import Participation, SealedBallot
from voting.selectors.rounds import ballot_info, round_voter

from .ballot_box import ballot_seal

KEY_BYTES = 16


@dataclass(frozen=True)
class CastResult:
    receipt: str
    replay: bool  # True when this form had already been accepted (double click, reload, retry)


BALLOT_MESSAGES = {
    "unknown_project": gettext_lazy("One of the choices is not on this ballot."),
    "bad_value": gettext_lazy("One of the choices has a value this ballot does not allow."),
    "too_few": gettext_lazy("Choose %(min)s to %(max)s projects."),
    "too_many": gettext_lazy("Choose %(min)s to %(max)s projects."),
    "too_many_points": gettext_lazy("You gave %(given)s points; at most %(points)s may be given."),
    "too_many_points_each": gettext_lazy("At most %(max)s points may go to one project."),
    "over_budget": gettext_lazy("Your choices cost NT$%(cost)s; they must fit within NT$%(budget)s."),
    "bad_ranks": gettext_lazy("Number your choices 1, 2, 3 … without gaps or repeats."),
}


def ballot_message(exc: rules.BallotInvalid) -> str:
    return str(BALLOT_MESSAGES[exc.code]) % exc.params if exc.params else str(BALLOT_MESSAGES[exc.code])


def form_key() -> str:
    """A fresh one-time key for a ballot form (hidden field)."""
    return secrets.token_urlsafe(KEY_BYTES)


def _clean_key(key: str) -> str:
    key = (key or "").strip()
    if not (16 <= len(key) <= 64) or not all(c.isalnum() or c in "-_" for c in key):
        raise ValidationError(_("This ballot form is not valid any more; please open the ballot again."))
    return key


def receipt_for_key(key: str) -> str:
    """The receipt code: 80 bits of sha256("receipt:" key) in base32, as XXXX-XXXX-XXXX-XXXX."""
    digest = hashlib.sha256(b"pbcity-receipt:" + key.encode()).digest()
    code = base64.b32encode(digest[:10]).decode()
    return "-".join(code[i:i + 4] for i in range(0, 16, 4))


def token_for_key(key: str) -> str:
    return hashlib.sha256(b"pbcity-participation:" + key.encode()).hexdigest()


def normalise_receipt(text: str) -> str:
    raw = "".join(c for c in (text or "").upper() if c.isalnum())[:16]
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def ballot_cast(*, round_id: int, user, choices: dict, key: str, now=None) -> CastResult:
    """Accept one ballot for the user's participation, or return the receipt of the same form again."""
    now = now or timezone.now()
    key = _clean_key(key)
    info = ballot_info(round_id=round_id)
    if not (info.status_at_load != "draft" and info.opens_at <= now < info.closes_at):
        raise ValidationError(_("This round is not open for voting."))
    if not perm.can_cast(info, user):
        raise PermissionDenied(_("Only verified voters of this district may vote in this round."))
    try:
        chosen = rules.ballot_validate(info.spec, choices, projects=info.costs)
    except rules.BallotInvalid as exc:
        raise ValidationError(ballot_message(exc)) from exc
    voter = round_voter(user=user, cycle_id=info.cycle_id)
    token, receipt = token_for_key(key), receipt_for_key(key)
    sealed = ballot_seal(public_key=info.public_key, round_id=round_id, receipt=receipt, chosen=chosen,
                         n_projects=len(info.costs), traits=_traits(voter, info, now))
    try:
        inserted = _store(round_id, voter.pk, token, sealed)
    except IntegrityError as exc:
        # The token's unique index is not the ON CONFLICT arbiter: when the same form races itself, the
        # loser can meet the winner's row there first and get a unique violation. That is a replay.
        if _participation_token(round_id, voter.pk) == token:
            return CastResult(receipt=receipt, replay=True)
        # The same form key used under another account: refuse, nothing was stored.
        raise ValidationError(_("This ballot form was already used; please open the ballot again.")) from exc
    except DatabaseError as exc:
        if getattr(getattr(exc, "__cause__", None), "sqlstate", None) == ROUND_NOT_OPEN:
            raise ValidationError(_("This round is not open for voting.")) from exc
        raise
    if inserted:
        return CastResult(receipt=receipt, replay=False)
    # The voter has a participation: the same form again (double click, reload, retry) or another ballot.
    if _participation_token(round_id, voter.pk) == token:
        return CastResult(receipt=receipt, replay=True)
    raise ValidationError(_("You have already voted in this round. A ballot cannot be cast twice."))


def _traits(voter, info, now) -> list[int]:
    """The coarse traits sealed inside the ballot (voting/rules/strata.py): read only in groups of ten or more."""
    return rules.ballot_traits(birth_date=voter.birth_date, opens_on=timezone.localdate(info.opens_at),
                               today=timezone.localdate(now))


def _participation_token(round_id: int, voter_id: int) -> str | None:
    return (Participation.objects.filter(round_id=round_id, voter_id=voter_id)
            .values_list("token", flat=True).first())


_CAST_SQL = """
WITH p AS (
    INSERT INTO voting_participation (id, round_id, voter_id, token) VALUES (%(pid)s, %(round)s, %(voter)s, %(token)s)
    ON CONFLICT (round_id, voter_id) DO NOTHING RETURNING 1
), s AS (
    INSERT INTO voting_sealedballot (id, round_id, ciphertext, content_hash, prev_hash, entry_hash)
    SELECT %(sid)s, %(round)s, %(sealed)s, '', '', '' FROM p RETURNING 1
)
SELECT count(*) FROM p
"""


def _store(round_id: int, voter_id: int, token: str, sealed: bytes) -> bool:
    """Store the participation and its sealed ballot unless the voter has a participation; True if stored."""
    if connection.vendor == "postgresql":
        # Autocommit: the statement is its own transaction. Inside a caller's transaction (tests, demo),
        # a savepoint keeps a refused statement from aborting it.
        with transaction.atomic() if connection.in_atomic_block else nullcontext(), connection.cursor() as cur:
            cur.execute(_CAST_SQL, {"pid": uuid4(), "sid": uuid4(), "round": round_id, "voter": voter_id,
                                    "token": token, "sealed": sealed})
            return cur.fetchone()[0] == 1
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("INSERT INTO voting_participation (id, round_id, voter_id, token) VALUES (%s, %s, %s, %s) "
                        "ON CONFLICT (round_id, voter_id) DO NOTHING RETURNING id",
                        [uuid4().hex, round_id, voter_id, token])
            if cur.fetchone() is None:
                return False
        SealedBallot.objects.create(round_id=round_id, ciphertext=sealed)
    return True


def _mail_box():
    """The secret box of receipt e-mails: RECEIPT_MAIL_KEY, else derived from SECRET_KEY — never the database."""
    from django.conf import settings
    from nacl.secret import SecretBox

    material = getattr(settings, "RECEIPT_MAIL_KEY", "") or f"pbcity-receipt-mail:{settings.SECRET_KEY}"
    return SecretBox(hashlib.sha256(material.encode()).digest())


def receipt_mail_seal(*, user_id: int, round_id: int, receipt: str) -> str:
    """The receipt e-mail's one task argument: who, which round and the receipt, encrypted (random nonce)."""
    import json

    plain = json.dumps([user_id, round_id, receipt]).encode()
    return base64.urlsafe_b64encode(_mail_box().encrypt(plain)).decode()


def receipt_mail_open(sealed: str) -> tuple[int, int, str]:
    import json

    user_id, round_id, receipt = json.loads(_mail_box().decrypt(base64.urlsafe_b64decode(sealed.encode())))
    return int(user_id), int(round_id), str(receipt)


def ballot_receipt_email(*, round_id: int, user, key: str) -> None:
    """E-mail the receipt to the voter who asks, proving with the form key that it is theirs."""
    key = _clean_key(key)
    info = ballot_info(round_id=round_id)
    voter = round_voter(user=user, cycle_id=info.cycle_id)
    token = token_for_key(key)
    if voter is None or not Participation.objects.filter(round_id=round_id, voter=voter, token=token).exists():
        raise PermissionDenied(_("Only the voter who cast this ballot may have its receipt e-mailed."))
    from pbcity.tasks import enqueue

    # One sealed argument (see the module docstring); queued on commit, kept in the outbox when Redis is down.
    sealed = receipt_mail_seal(user_id=user.pk, round_id=round_id, receipt=receipt_for_key(key))
    enqueue("voting.tasks.receipt_email", sealed)


__all__ = ["CastResult", "ballot_cast", "ballot_receipt_email", "form_key", "receipt_for_key"]
