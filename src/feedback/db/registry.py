"""Imports every models module so Base.metadata knows every table (Alembic reads it)."""

from feedback.auth import models as auth_models
from feedback.db.base import Base
from feedback.organisations import models as organisation_models

__all__ = ["Base", "auth_models", "organisation_models"]
