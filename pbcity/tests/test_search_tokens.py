"""How pbcity.search cuts text into tokens (no database)."""
from pbcity import search


def test_chinese_runs_give_characters_and_bigrams_latin_gives_words():
    assert search.document_tokens("遮陽棚 Shade-Sails 2026") == sorted(
        ["遮", "陽", "棚", "遮陽", "陽棚", "shade", "sails", "2026"])


def test_full_width_and_case_are_normalised():
    assert search.document_tokens("ＰＡＲＫ") == ["park"]
    assert search.query_tokens("Park") == search.query_tokens("ｐａｒｋ") == ["park"]


def test_a_query_needs_every_bigram_of_a_run_and_a_lone_character_itself():
    assert search.query_tokens("遮陽棚") == ["遮陽", "陽棚"]
    assert search.query_tokens("棚") == ["棚"]
    assert search.query_tokens("公園park，遮陽") == ["公園", "park", "遮陽"]


def test_punctuation_quotes_wildcards_and_nul_give_no_token():
    assert search.query_tokens("%_\\'\"\x00、。！()[]*") == []


def test_a_huge_query_is_cut():
    assert len(search.query_tokens("a b " * 10_000)) <= search.MAX_QUERY_TOKENS
    assert search.query_tokens("遮陽" * 5000) == ["遮陽", "陽遮"]


def test_the_box_shows_back_a_clean_query():
    assert search.clean_query("  遮陽\x00棚\n  shade ") == "遮陽 棚 shade"
    assert len(search.clean_query("字" * 10_000)) == 100
    assert search.clean_query(None) == ""
