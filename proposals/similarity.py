"""Similar proposals for Chinese text, without a word segmenter.

Chinese has no spaces between words, so the text is cut into overlapping character bigrams
(“遮陽棚” → 遮陽, 陽棚); Latin words and numbers count as single tokens. Two texts are compared by
the cosine of their bigram counts, the title counting twice because it carries the idea.
"""
import math
import re
from collections import Counter

from .models import Proposal

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9]+")
MIN_SCORE = 0.2


def tokens(text: str) -> Counter:
    text = (text or "").lower()
    grams: Counter = Counter()
    for run in _CJK.findall(text):
        if len(run) == 1:
            grams[run] += 1
        grams.update(run[i:i + 2] for i in range(len(run) - 1))
    grams.update(_WORD.findall(text))
    return grams


def cosine(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    dot = sum(n * b[g] for g, n in a.items() if g in b)
    return dot / (math.sqrt(sum(n * n for n in a.values())) * math.sqrt(sum(n * n for n in b.values())))


def proposal_tokens(*, title: str, body: str = "") -> Counter:
    grams = tokens(title)
    grams.update(grams)  # the title counts twice
    grams.update(tokens(body))
    return grams


def similar_proposals(*, district, text: str, limit: int = 5, exclude_ids=(), min_score: float = MIN_SCORE) -> list:
    """Proposals of this and past cycles in `district` most like `text`, best first.

    Returns (proposal, score) pairs with score in [0, 1]. Proposals never raised are private and never shown.
    """
    query = tokens(text)
    if not query:
        return []
    candidates = (
        Proposal.objects.public().filter(district=district)
        .exclude(pk__in=list(exclude_ids))
        .select_related("cycle")
        .only("id", "title", "problem", "solution", "state", "cycle__year", "cycle__name", "district_id")
    )
    scored = []
    for p in candidates:
        score = cosine(query, proposal_tokens(title=p.title, body=f"{p.problem} {p.solution}"))
        if score >= min_score:
            scored.append((p, round(score, 3)))
    scored.sort(key=lambda pair: (-pair[1], -pair[0].pk))
    return scored[:limit]
