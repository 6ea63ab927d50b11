"""Imports every models module so Base.metadata knows every table (Alembic reads it)."""

from feedback.actions import models as action_models
from feedback.auth import models as auth_models
from feedback.consent import models as consent_models
from feedback.consultations import models as consultation_models
from feedback.crypto import models as crypto_models
from feedback.db.base import Base
from feedback.links import models as link_models
from feedback.organisations import models as organisation_models
from feedback.outcomes import models as outcome_models
from feedback.reports import models as report_models
from feedback.responses import models as response_models
from feedback.sms import models as sms_models
from feedback.surveys import models as survey_models
from feedback.themes import models as theme_models

__all__ = [
    "Base",
    "action_models",
    "auth_models",
    "consent_models",
    "consultation_models",
    "crypto_models",
    "link_models",
    "organisation_models",
    "outcome_models",
    "report_models",
    "response_models",
    "sms_models",
    "survey_models",
    "theme_models",
]
