"""Pure query handling: taxonomy expansion, spelling hints, snippets and highlighting."""

from search.expansion import expand, suggest_spelling, term_matches, words
from search.highlight import highlight, snippet

VOCABULARY = {
    "tag": ["co-creation", "chatbots", "open data", "digital identity"],
    "subpillar": ["Co-creation", "Security and privacy", "Skills", "Reduction of burden"],
}


def test_words_fold_case_accents_and_hyphens():
    assert words("Co-Création, Évora!") == ["co", "creation", "evora"]


def test_a_query_naming_a_tag_or_sub_pillar_expands_to_it():
    assert expand("co-creation", VOCABULARY) == {"tag": ["co-creation"], "subpillar": ["Co-creation"]}
    assert expand("Cocreation", VOCABULARY) == {"tag": ["co-creation"], "subpillar": ["Co-creation"]}
    assert expand("co creation workshops in Espoo", VOCABULARY)["subpillar"] == ["Co-creation"]
    assert expand("security and privacy", VOCABULARY) == {"subpillar": ["Security and privacy"]}


def test_partial_words_do_not_expand():
    assert expand("creation", VOCABULARY) == {}
    assert expand("skill", VOCABULARY) == {}
    assert not term_matches("data", "open data")
    assert term_matches("open data portals", "open data")


def test_spelling_hints_come_from_the_site_vocabulary():
    names = ["Benchmark dashboard", "Espoo", "Tallinn", "co-creation"]
    assert suggest_spelling("bencmark dashbord", names)[0] == "Benchmark dashboard"
    assert "tallinn" in [s.lower() for s in suggest_spelling("talinn", names)]
    assert suggest_spelling("espoo", names) == []  # already right: nothing to suggest
    assert suggest_spelling("zzqx", names) == []


def test_highlight_escapes_content_before_marking():
    out = highlight('<script>alert("x")</script> Digital services', "digital")
    assert "<script>" not in out
    assert "&lt;script&gt;" in out
    assert "<mark>Digital</mark> services" in out


def test_highlight_marks_accented_words_and_plurals():
    assert (
        highlight("Évora runs chatbots", "evora chatbot") == "<mark>Évora</mark> runs <mark>chatbots</mark>"
    )


def test_snippet_is_a_window_around_the_first_match():
    text = "Lorem ipsum " * 40 + "the participatory budget of Ghent " + "dolor sit " * 40
    out = snippet(text, "participatory budget", length=120)
    assert out.startswith("… ") and out.endswith(" …")
    assert "<mark>participatory</mark> <mark>budget</mark>" in out
    assert len(out) < 200
    assert (
        snippet("<p>Tags <b>stripped</b> &amp; decoded</p>", "stripped")
        == "Tags <mark>stripped</mark> &amp; decoded"
    )
