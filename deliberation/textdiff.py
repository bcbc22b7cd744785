"""Readable differences between two texts, for the revision history on the proposal page.

Chinese has no spaces between words, so the comparison runs on characters; long runs of unchanged
text are shortened to `context` characters around each change.
"""
import difflib


def text_diff(old: str, new: str, *, context: int = 40) -> list[tuple[str, str]]:
    """Segments (kind, text), kind in "same", "gap" (unchanged text left out), "del", "ins"."""
    old, new = old or "", new or ""
    ops = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    out = []
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            same = old[i1:i2]
            first, last = n == 0, n == len(ops) - 1
            if len(same) <= context or (not first and not last and len(same) <= 2 * context):
                out.append(("same", same))
                continue
            if not first:
                out.append(("same", same[:context]))
            out.append(("gap", ""))
            if not last:
                out.append(("same", same[-context:]))
            continue
        if tag in ("replace", "delete"):
            out.append(("del", old[i1:i2]))
        if tag in ("replace", "insert"):
            out.append(("ins", new[j1:j2]))
    return out
