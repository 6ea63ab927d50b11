"""The console home page."""

from __future__ import annotations

from litestar import Controller, MediaType, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.schemas import Staff
from feedback.console.service import home_for
from feedback.errors import Forbidden
from feedback.settings import Settings


class HomePage(Controller):
    path = "/"

    @get("/", media_type=MediaType.HTML)
    async def home(self, db: AsyncSession, staff: Staff, settings: Settings) -> Template:
        if staff.must_use_two_factor and not staff.two_factor_enabled:
            raise Forbidden("Two-factor sign-in must be set up first.")
        figures = await home_for(db, staff, settings)
        return Template("staff/home.html", context={"staff": staff, "figures": figures})
