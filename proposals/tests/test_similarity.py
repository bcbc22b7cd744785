"""Similar proposals in Chinese: character bigrams find a near-duplicate without a segmenter."""
import pytest

from proposals.similarity import cosine, similar_proposals, tokens
from proposals.tests.factories import ProposalFactory


def test_bigrams_of_chinese_and_latin():
    grams = tokens("公園遮陽棚 LED 燈")
    assert grams["公園"] == 1 and grams["遮陽"] == 1 and grams["led"] == 1 and grams["燈"] == 1
    assert cosine(tokens("公園增設遮陽棚"), tokens("公園增設遮陽棚")) == pytest.approx(1.0)


@pytest.mark.django_db
def test_finds_a_chinese_near_duplicate_in_the_same_district(district, other_district, cycle):
    from pbcity.tests.factories import CycleFactory

    past = CycleFactory(year=2025)
    shade = ProposalFactory(cycle=past, district=district, title="公園增設遮陽棚與飲水機",
                            problem="夏天公園沒有遮蔭，長者無法久留。", solution="增設遮陽棚兩座及飲水機。",
                            state="completed")
    ProposalFactory(cycle=cycle, district=district, title="巷弄夜間照明補強", problem="巷弄太暗。",
                    solution="補強路燈。", state="raised")
    ProposalFactory(cycle=cycle, district=other_district, title="公園增設遮陽棚", problem="沒有遮蔭", solution="遮陽棚",
                    state="raised")
    ProposalFactory(cycle=cycle, district=district, title="公園遮陽棚草稿", problem="草稿", solution="草稿")  # draft

    found = similar_proposals(district=district, text="在公園加裝遮陽棚，夏天長者才有遮蔭")
    assert [p.pk for p, _score in found] == [shade.pk]
    assert 0.2 <= found[0][1] <= 1


@pytest.mark.django_db
def test_empty_text_finds_nothing(district):
    assert similar_proposals(district=district, text="  ，。 ") == []
