"""The reasons of bench-learning recommendations in plain words and figures (translatable).

For example: "You answer No to “usability is assessed with standard tools”; Ghent and Milan answer Yes and
describe how in 2 cases."
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benchmarks.scoring import displayed_percent

from .recommendations import SIMILAR as SIMILAR_SHOWN
from .recommendations import Gap, Leader, Recommendation


def join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def quoted_question(question: str) -> str:
    """The indicator's question as a quoted clause: no final full stop, lower-case first letter (unless an
    acronym starts it: "ICT", "APIs")."""
    text = question.strip().rstrip(".")
    if len(text) > 1 and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return f"“{text}”"


def score_words(*, yes: int, total: int, value) -> str:
    return _("%(yes)s of %(total)s Yes (%(percent)s %%)") % {
        "yes": yes,
        "total": total,
        "percent": displayed_percent(overall=value),
    }


def area_summary(recommendation: Recommendation, *, subject: str = "") -> str:
    """Why this sub-pillar is listed: "2.3 Useability is your weakest sub-pillar: 1 of 4 Yes (25 %)."

    Addressed to the representative ("your") unless `subject` names the authority (on its public profile).
    """
    own = recommendation.own
    if subject:
        ordinal = {
            1: _("the weakest sub-pillar of %(name)s"),
            2: _("the second weakest sub-pillar of %(name)s"),
            3: _("the third weakest sub-pillar of %(name)s"),
        }.get(recommendation.weakness_rank, _("one of the weakest sub-pillars of %(name)s")) % {
            "name": subject
        }
    else:
        ordinal = {
            1: _("your weakest sub-pillar"),
            2: _("your second weakest sub-pillar"),
            3: _("your third weakest sub-pillar"),
        }.get(recommendation.weakness_rank, _("one of your weakest sub-pillars"))
    return _("%(area)s is %(ordinal)s: %(score)s.") % {
        "area": f"{recommendation.area.key} {recommendation.area.name}",
        "ordinal": ordinal,
        "score": score_words(yes=own.yes, total=own.total, value=own.value),
    }


def leader_reason(leader: Leader, *, subject: str = "") -> str:
    """Why this authority is suggested: its score, whether it is similar, and its cases."""
    parts = [score_words(yes=leader.score.yes, total=leader.score.total, value=leader.score.value)]
    if leader.peer_rank is not None and leader.peer_rank < SIMILAR_SHOWN:
        if subject:
            similar = _("one of the %(n)s authorities most similar to %(name)s") % {
                "n": SIMILAR_SHOWN,
                "name": subject,
            }
        else:
            similar = _("one of the %(n)s authorities most similar to yours") % {"n": SIMILAR_SHOWN}
        parts.append(f"{similar} ({leader.similarity})" if leader.similarity else similar)
    if leader.case_count:
        parts.append(
            ngettext(
                "%(n)s practice case on this sub-pillar",
                "%(n)s practice cases on this sub-pillar",
                leader.case_count,
            )
            % {"n": leader.case_count}
        )
    return "; ".join(parts)


def gap_reason(gap: Gap, *, subject: str = "") -> str:
    """You answer No to “…”; Ghent and Milan answer Yes and describe how in 2 cases."""
    question = quoted_question(gap.question)
    if subject and gap.own_answer == "no":
        own = _("%(name)s answers No to %(question)s") % {"name": subject, "question": question}
    elif subject:
        own = _("%(name)s does not answer %(question)s") % {"name": subject, "question": question}
    elif gap.own_answer == "no":
        own = _("You answer No to %(question)s") % {"question": question}
    else:
        own = _("You do not answer %(question)s") % {"question": question}
    if not gap.leaders_yes:
        return own + "."
    names = join_names([leader.name for leader in gap.leaders_yes])
    if gap.case_count and len(gap.leaders_yes) == 1:
        others = ngettext(
            "%(names)s answers Yes and describes how in %(n)s case",
            "%(names)s answers Yes and describes how in %(n)s cases",
            gap.case_count,
        ) % {"names": names, "n": gap.case_count}
    elif gap.case_count:
        others = ngettext(
            "%(names)s answer Yes and describe how in %(n)s case",
            "%(names)s answer Yes and describe how in %(n)s cases",
            gap.case_count,
        ) % {"names": names, "n": gap.case_count}
    elif len(gap.leaders_yes) == 1:
        others = _("%(names)s answers Yes") % {"names": names}
    else:
        others = _("%(names)s answer Yes") % {"names": names}
    return f"{own}; {others}."
