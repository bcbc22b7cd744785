"""The proposal search (pbcity.search): Chinese two-character words, mixed scripts, hostile input, the
document kept in step on every kind of write, and the GIN index in the plan (docs/decisions.md, "Search")."""
import pytest
from django.db import connection
from django.utils import timezone

from pbcity import search
from proposals.models import Proposal
from proposals.selectors import proposal_list
from proposals.states import State

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db


def make(**fields):
    defaults = {"state": State.RAISED, "title": "社區圖書角", "problem": "里民沒有閱讀空間。",
                "solution": "設置書架。", "location": "民生社區"}
    return ProposalFactory(**{**defaults, **fields})


def found(text):
    return set(proposal_list(text=text).values_list("pk", flat=True))


@pytest.fixture
def shade(cycle, district):
    return make(cycle=cycle, district=district, title="公園增設遮陽棚", problem="夏天 Daan Park 太熱，沒有遮蔭。",
                solution="Install SHADE sails（遮陽帆）。", location="大安森林公園")


@pytest.fixture
def library(cycle, district):
    return make(cycle=cycle, district=district)


def test_two_character_chinese_words_are_found(shade, library):
    assert found("公園") == {shade.pk}
    assert found("遮陽") == {shade.pk}
    assert found("閱讀") == {library.pk}
    assert found("泳池") == set()


def test_longer_words_need_every_bigram_and_several_words_all_of_them(shade, library):
    assert found("遮陽棚") == {shade.pk}
    assert found("公園 遮陽") == {shade.pk}
    assert found("公園 閱讀") == set()
    assert found("遮陽傘") == set()  # 陽傘 is nowhere


def test_a_single_character_is_a_word_too(shade, library):
    assert found("棚") == {shade.pk}
    assert found("書") == {library.pk}


def test_latin_words_ignore_case_and_mix_with_chinese(shade, library):
    assert found("shade") == found("Shade") == found("SHADE") == found("ｓｈａｄｅ") == {shade.pk}
    assert found("daan 遮陽") == {shade.pk}
    assert found("公園park") == {shade.pk}  # 公園 and park, as typed without a space
    assert found("shadow") == set()


def test_punctuation_is_ignored(shade):
    assert found("「遮陽」！") == found("遮陽，公園。") == found("shade-sails") == {shade.pk}


@pytest.mark.parametrize("hostile", ["%", "_", "\\", "'", '"', "%%__", "' OR 1=1 --", "\x00", "、。！"])
def test_text_without_words_finds_nothing(shade, hostile):
    assert found(hostile) == set()


def test_hostile_text_around_a_word_still_finds_it(shade):
    assert found("遮陽%") == found("_遮陽_") == found("遮陽'\\\x00") == {shade.pk}


def test_ten_thousand_characters_give_a_bounded_query(shade):
    assert found("遮陽 " * 3334) == {shade.pk}  # cut to its first 200 characters: one word, repeated
    assert found("遮陽" * 5000) == set()  # 陽遮 is nowhere
    assert len(search.query_tokens("".join(chr(0x4E00 + i) for i in range(10_000)))) == search.MAX_QUERY_TOKENS


def test_a_private_proposal_is_never_found(cycle, district):
    draft = make(cycle=cycle, district=district, state=State.DRAFT, title="秘密遮陽棚")
    assert draft.search_document  # indexed like any other, and still kept out
    assert found("秘密") == set()


def test_every_kind_of_write_keeps_the_document_in_step(cycle, district):
    p = make(cycle=cycle, district=district)
    p.title = "河濱自行車道照明"
    p.save(update_fields=["title"])
    assert found("照明") == {p.pk} and found("圖書") == set()

    Proposal.objects.filter(pk=p.pk).update(solution="加裝路燈")
    assert found("路燈") == {p.pk} and found("書架") == set()

    p = Proposal.objects.get(pk=p.pk)
    p.location = "南港公園"
    Proposal.objects.bulk_update([p], ["location"])
    assert found("南港") == {p.pk}

    [bulk] = Proposal.objects.bulk_create([Proposal(cycle=cycle, district=district, title="街角藝術牆",
                                                    problem="牆面老舊", solution="彩繪", state=State.RAISED,
                                                    published_at=timezone.now())])
    assert found("藝術") == {bulk.pk} == {Proposal.objects.get(title="街角藝術牆").pk}


def test_an_update_that_touches_no_searched_column_leaves_the_document(cycle, district):
    p = make(cycle=cycle, district=district)
    before = Proposal.objects.get(pk=p.pk).search_document
    Proposal.objects.filter(pk=p.pk).update(estimated_cost=1)
    assert Proposal.objects.get(pk=p.pk).search_document == before == search.document_of(p)


def test_reindex_rebuilds_a_stale_document(cycle, district):
    p = make(cycle=cycle, district=district)
    from django.db.models import QuerySet
    QuerySet(Proposal).filter(pk=p.pk).update(search_document="")  # bypassing the keeper on purpose
    assert found("閱讀") == set()
    assert search.reindex(Proposal) == 1
    assert found("閱讀") == {p.pk}


@pytest.mark.parametrize("text", ["遮陽", "公園增設", "shade"])
def test_the_search_uses_the_bigram_index(shade, cycle, district, text):
    if connection.vendor != "postgresql":
        pytest.skip("the GIN index exists on PostgreSQL only")
    Proposal.objects.bulk_create([
        Proposal(cycle=cycle, district=district, title=f"提案 {i} 人行道", problem="人行道破損", solution="修補",
                 state=State.RAISED, published_at=timezone.now()) for i in range(300)
    ])
    qs = proposal_list(text=text)
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("ANALYZE proposals_proposal")
        # 300 rows fit in a dozen pages: the planner rightly prefers reading them all (or walking a
        # small btree whole). Turning those two scans off asks only whether the GIN index *can* answer
        # this query; benchmarks/search_plan.py shows it chosen freely at 10,000 proposals.
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_indexscan = off")
        cur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cur.fetchall())
    assert "Bitmap Index Scan on proposal_search_grams" in plan, plan
    assert list(qs.values_list("pk", flat=True)) == [shade.pk]


@pytest.mark.parametrize("text", ["公園", "遮陽棚", "棚", "shade daan", "公園park", "閱讀 空間", "泳池", "%"])
def test_the_sqlite_fallback_finds_what_the_index_finds(shade, library, text):
    """`make run` (SQLite) searches each token with icontains: the same rows for the same query."""
    fallback = search.matching(Proposal.objects.public(), text, fields=Proposal.SEARCH_FIELDS)
    assert set(fallback.values_list("pk", flat=True)) == found(text)


def test_the_migration_fills_the_documents_of_existing_proposals(shade, library):
    from django.apps import apps
    from django.db.models import QuerySet

    QuerySet(Proposal).update(search_document="")  # as the rows were before the column existed
    assert found("遮陽") == set()
    operation = search.fill_documents("proposals", "proposal", Proposal.SEARCH_FIELDS)
    with connection.schema_editor(atomic=False) as editor:
        operation.code(apps, editor)
    assert found("遮陽") == {shade.pk} and found("閱讀") == {library.pk}
