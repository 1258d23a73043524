"""The user-centricity principles of the 2017 Tallinn Declaration on eGovernment.

Practice cases and toolkit entries state which principles they apply; search and the practice
library facet on them. The codes are stored in the database: never rename one, add new ones.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Principle(models.TextChoices):
    DIGITAL_INTERACTION = "digital-interaction", _("Digital interaction")
    ACCESSIBILITY = (
        "accessibility",
        _("Accessibility, security, availability and usability"),
    )
    BURDEN_REDUCTION = "burden-reduction", _("Reduction of the administrative burden")
    DIGITAL_DELIVERY = "digital-delivery", _("Digital delivery of public services")
    CITIZEN_ENGAGEMENT = "citizen-engagement", _("Citizen engagement")
    INCENTIVES = "incentives", _("Incentives for digital service use")
    PRIVACY = "privacy", _("Protection of personal data and privacy")
    REDRESS = "redress", _("Redress and complaint mechanisms")


def principle_label(code: str) -> str:
    """The readable name of a principle code; the code itself when it is unknown."""
    try:
        return str(Principle(code).label)
    except ValueError:
        return code
