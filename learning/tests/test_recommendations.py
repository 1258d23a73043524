"""Bench-learning recommendations: the pure ranking on numbers, and the reasons in words."""

from decimal import Decimal

from django.utils import translation

from learning import recommendation_text as text
from learning.recommendations import Area, AreaScore, Gap, Leader, Other, gaps, leaders, recommend, weakest


def score(key, yes, total):
    return AreaScore(
        key=key, yes=yes, total=total, value=(Decimal(yes) / Decimal(total)).quantize(Decimal("0.01"))
    )


AREAS = [
    Area("1.1", "Skills", 1),
    Area("2.1", "Co-creation", 2),
    Area(
        "2.3",
        "Useability",
        3,
        indicators=(
            ("usa_a", "Usability is assessed with standard tools."),
            ("usa_b", "Websites comply with WCAG."),
            ("usa_c", "ICT staff test services."),
        ),
    ),
    Area("3.2", "Reduction of burden", 4),
    Area("3.3", "Satisfaction", 5),
]


class TestWeakest:
    def test_lowest_values_first_ties_by_fewer_yes_then_framework_order(self):
        own = {
            "1.1": score("1.1", 2, 4),  # 0.50
            "2.1": score("2.1", 1, 2),  # 0.50, fewer Yes than 1.1
            "2.3": score("2.3", 1, 4),  # 0.25
            "3.2": score("3.2", 2, 4),  # 0.50, same as 1.1 but later in the framework
            "3.3": score("3.3", 0, 2),  # 0.00
        }
        assert [a.key for a in weakest(own=own, areas=AREAS)] == ["3.3", "2.3", "2.1"]
        assert [a.key for a in weakest(own=own, areas=AREAS, n=5)] == ["3.3", "2.3", "2.1", "1.1", "3.2"]

    def test_full_marks_are_never_weak_and_missing_areas_are_skipped(self):
        own = {"1.1": score("1.1", 4, 4), "2.3": score("2.3", 3, 4), "3.3": score("3.3", 2, 2)}
        assert [a.key for a in weakest(own=own, areas=AREAS)] == ["2.3"]
        assert weakest(own={"1.1": score("1.1", 4, 4)}, areas=AREAS) == []


class TestLeaders:
    def test_only_better_authorities_best_first_similar_first_among_equals(self):
        own = score("2.3", 1, 4)
        others = [
            Other(1, "Arezzo", {"2.3": score("2.3", 4, 4)}),  # best, not a peer
            Other(2, "Ghent", {"2.3": score("2.3", 3, 4)}, peer_rank=0),  # nearest peer, second best
            Other(3, "Milan", {"2.3": score("2.3", 3, 4)}, peer_rank=4),
            Other(4, "Barcelona", {"2.3": score("2.3", 3, 4)}),  # not a peer: after the peers
            Other(5, "Porto", {"2.3": score("2.3", 1, 4)}, peer_rank=1),  # not better: never a leader
            Other(6, "Kyiv", {}),  # no result in this sub-pillar
        ]
        found = leaders(key="2.3", own=own, others=others, case_counts={}, n=5)
        assert [ld.name for ld in found] == ["Arezzo", "Ghent", "Milan", "Barcelona"]
        assert [ld.name for ld in leaders(key="2.3", own=own, others=others, case_counts={})] == [
            "Arezzo",
            "Ghent",
            "Milan",
        ]

    def test_cases_then_name_break_remaining_ties(self):
        own = score("2.3", 0, 4)
        others = [
            Other(1, "Utrecht", {"2.3": score("2.3", 2, 4)}),
            Other(2, "Lisbon", {"2.3": score("2.3", 2, 4)}),
            Other(3, "Riga", {"2.3": score("2.3", 2, 4)}),
        ]
        found = leaders(key="2.3", own=own, others=others, case_counts={(3, "2.3"): 2, (1, "1.1"): 9})
        assert [(ld.name, ld.case_count) for ld in found] == [("Riga", 2), ("Lisbon", 0), ("Utrecht", 0)]

    def test_similar_first_then_those_with_cases_then_nearer_peers(self):
        own = score("2.6", 0, 3)
        others = [
            Other(1, "Far peer", {"2.6": score("2.6", 3, 3)}, peer_rank=9),
            Other(2, "Has cases", {"2.6": score("2.6", 3, 3)}),
            Other(3, "Close peer", {"2.6": score("2.6", 3, 3)}, peer_rank=2),
            Other(4, "Near peer", {"2.6": score("2.6", 3, 3)}, peer_rank=6),
        ]
        found = leaders(key="2.6", own=own, others=others, case_counts={(2, "2.6"): 1}, n=4)
        assert [ld.name for ld in found] == ["Close peer", "Has cases", "Near peer", "Far peer"]


def test_gaps_list_unanswered_indicators_with_the_leaders_answering_yes():
    lead = [
        Leader(1, "Ghent", score("2.3", 3, 3), 0, "", 2),
        Leader(2, "Milan", score("2.3", 3, 3), None, "", 0),
    ]
    found = gaps(
        area=AREAS[2],
        own_answers={"usa_a": "no", "usa_b": "yes", "usa_c": "na"},
        found_leaders=lead,
        leader_answers={1: {"usa_a": "yes", "usa_c": "yes"}, 2: {"usa_a": "yes", "usa_c": "no"}},
    )
    assert [(g.code, g.own_answer, [ld.name for ld in g.leaders_yes]) for g in found] == [
        ("usa_a", "no", ["Ghent", "Milan"]),
        ("usa_c", "na", ["Ghent"]),
    ]
    assert found[0].case_count == 2


def test_recommend_puts_it_together():
    own = {a.key: score(a.key, 4, 4) for a in AREAS} | {"2.3": score("2.3", 1, 3)}
    others = [Other(7, "Ghent", {"2.3": score("2.3", 3, 3)})]
    (rec,) = recommend(own=own, areas=AREAS, others=others, case_counts={(7, "2.3"): 1})
    assert rec.area.key == "2.3" and rec.weakness_rank == 1
    assert [(ld.name, ld.case_count) for ld in rec.leaders] == [("Ghent", 1)]


class TestReasons:
    def setup_method(self):
        translation.activate("en")

    def gap(self, own_answer, *leaders_and_cases):
        lead = tuple(
            Leader(i, name, score("2.3", 4, 4), None, "", cases)
            for i, (name, cases) in enumerate(leaders_and_cases)
        )
        return Gap(
            "usa_a",
            "Usability is assessed with standard tools (for example the System Usability Scale).",
            own_answer,
            lead,
        )

    def test_the_example_of_the_issue(self):
        gap = self.gap("no", ("Ghent", 1), ("Milan", 1))
        assert text.gap_reason(gap) == (
            "You answer No to “usability is assessed with standard tools (for example the System Usability "
            "Scale)”; Ghent and Milan answer Yes and describe how in 2 cases."
        )

    def test_grammar_follows_the_numbers(self):
        assert text.gap_reason(self.gap("no", ("Ghent", 1))).endswith(
            "; Ghent answers Yes and describes how in 1 case."
        )
        assert text.gap_reason(self.gap("no", ("Ghent", 0))).endswith("; Ghent answers Yes.")
        assert text.gap_reason(self.gap("no", ("Ghent", 0), ("Milan", 0), ("Porto", 0))).endswith(
            "; Ghent, Milan and Porto answer Yes."
        )
        assert text.gap_reason(self.gap("na")) == (
            "You do not answer “usability is assessed with standard tools "
            "(for example the System Usability Scale)”."
        )

    def test_on_a_public_profile_the_authority_is_named(self):
        assert text.gap_reason(self.gap("no", ("Ghent", 3)), subject="Espoo").startswith(
            "Espoo answers No to “usab"
        )

    def test_area_summary_and_leader_reason_give_figures(self):
        own = {"2.3": score("2.3", 1, 4)}
        others = [
            Other(1, "Ghent", {"2.3": score("2.3", 4, 4)}, peer_rank=0, similarity="similar population")
        ]
        (rec,) = recommend(own=own, areas=AREAS, others=others, case_counts={(1, "2.3"): 2})
        assert text.area_summary(rec) == "2.3 Useability is your weakest sub-pillar: 1 of 4 Yes (25 %)."
        assert text.area_summary(rec, subject="Espoo") == (
            "2.3 Useability is the weakest sub-pillar of Espoo: 1 of 4 Yes (25 %)."
        )
        assert text.leader_reason(rec.leaders[0]) == (
            "4 of 4 Yes (100 %); one of the 5 authorities most similar to yours (similar population); "
            "2 practice cases on this sub-pillar"
        )

    def test_questions_keep_leading_acronyms(self):
        assert (
            text.quoted_question("ICT security procedures are documented.")
            == "“ICT security procedures are documented”"
        )
        assert text.quoted_question("APIs are offered.") == "“APIs are offered”"
