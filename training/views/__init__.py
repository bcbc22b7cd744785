from .cards import card_detail, card_pdf, card_revoke, certificate_pdf, verify, verify_lookup
from .catalogue import course_detail, index, session_cancel, session_detail, session_register
from .checkin import checkin
from .desk import (
    consultation_book,
    consultation_cancel,
    consultations,
    desk,
    desk_detail,
    experts,
    figures,
    my_training,
)
from .manage import session_new, slot_new

__all__ = [
    "card_detail", "card_pdf", "card_revoke", "certificate_pdf", "checkin", "consultation_book",
    "consultation_cancel", "consultations", "course_detail", "desk", "desk_detail", "experts", "figures", "index",
    "my_training", "session_cancel", "session_new", "slot_new", "session_detail", "session_register", "verify",
    "verify_lookup",
]
