"""Reads for the voting stage. Each area has its module; the common ones are re-exported here."""
from .exhibition import comment_threads, exhibition_detail, exhibition_list, moderation_queue
from .voters import register_imports, verification_queue, voter_for, voter_verified

__all__ = ["comment_threads", "exhibition_detail", "exhibition_list", "moderation_queue", "register_imports",
           "verification_queue", "voter_for", "voter_verified"]
