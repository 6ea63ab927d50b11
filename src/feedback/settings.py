"""Typed settings, read once from FEEDBACK_* environment variables and passed everywhere."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec

from feedback.crypto.master_format import decode_master_keys
from feedback.errors import SettingsInvalid
from feedback.wording import subject_word

PREFIX = "FEEDBACK_"
MINIMUM_SUPPRESSION_THRESHOLD = 3
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
# A bad secret is never echoed back: the error message may end up in a log.
SECRET_FIELDS = frozenset(
    {"master_key", "sms_notify_api_key", "sms_notify_inbound_token", "sms_twilio_auth_token"}
)
# Where "Exit this page" goes: busy, neutral sites that say nothing about why someone left.
DEFAULT_EXIT_SITES = ("https://www.bbc.co.uk/weather", "https://www.google.co.uk")
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Settings whose text a respondent carries away: each is held to feedback.wording's list.
LASTING_TEXT_FIELDS = (
    "public_base_url",
    "respondent_title",
    "card_help_line",
    "sms_help_reply",
    "sms_invitation_template",
)
DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8000"
ROUND5_REMOVED = (
    "round5 was removed: rounded figures can be combined to work out small counts exactly "
    "(four months each shown as 5 make each at least 1); use suppress"
)


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the platform reads from its environment; tests build it directly."""

    data_dir: Path = Path("var")
    database_url: str = ""
    redis_url: str | None = None
    key_file: Path | None = None
    master_key: str | None = None
    public_base_url: str = DEFAULT_PUBLIC_BASE_URL
    public_base_url_set: bool = False  # FEEDBACK_PUBLIC_BASE_URL was given: never follow --port
    suppression_threshold: int = 5
    report_rounding: str = "suppress"
    report_max_stale_seconds: int = 300  # a report may show figures this old (0: never)
    session_idle_minutes: int = 30
    sign_in_attempts_per_hour: int = 100
    join_attempts_per_hour: int = 20
    school_notice_hours: int = 24  # from the parents' letter to the earliest class session
    class_session_minutes: int = 90  # a class join code's default life: one lesson
    log_level: str = "INFO"
    key_period: str = "quarter"
    exit_sites: tuple[str, ...] = DEFAULT_EXIT_SITES
    respondent_title: str = "Feedback"
    # Lasting texts (cards, SMS) name no subject and no service: see feedback.wording.
    card_help_line: str = "Need help now? Call 999."
    # Sent only when the person texts HELP: a number, but no name that says what it is for.
    sms_help_reply: str = (
        "Free, 24 hours: 0808 2000 247. In an emergency call 999; if you cannot speak, "
        "press 55 when asked."
    )
    sms_provider: str = "outbox"
    sms_notify_api_key: str | None = None
    sms_notify_template_id: str | None = None
    sms_notify_base_url: str = "https://api.notifications.service.gov.uk"
    sms_notify_inbound_token: str | None = None
    sms_twilio_account_sid: str | None = None
    sms_twilio_auth_token: str | None = None
    sms_twilio_from: str | None = None
    sms_twilio_base_url: str = "https://api.twilio.com"
    sms_invitation_template: str = "Your feedback link: URL  Reply STOP to opt out"
    sms_conversation_hours: int = 24
    sms_send_per_minute: int = 600  # per provider, shared by every worker
    outcome_pairing_expiry_months: int = 18  # an intake code never used for pairing, then gone
    job_timeout_seconds: int = 60
    clock_start: str = ""  # ISO instant a started process begins its clock at (tests, demos)

    def __post_init__(self) -> None:
        if not self.database_url:
            url = f"sqlite+aiosqlite:///{self.data_dir / 'feedback.db'}"
            msgspec.structs.force_setattr(self, "database_url", url)
        if self.key_file is None and self.master_key is None:
            msgspec.structs.force_setattr(self, "key_file", self.data_dir / "master.key")
        self._check_lasting_texts()
        if self.report_rounding != "suppress":  # built directly, so from_env did not check
            refusal = _rounding_refusal(self.report_rounding)
            raise SettingsInvalid(f"{PREFIX}REPORT_ROUNDING: {refusal}")

    def _check_lasting_texts(self) -> None:
        """Refuse at start-up a text that lasts (on a phone, a card, in history) and names
        the subject, with one line naming the setting and the word."""
        for field in LASTING_TEXT_FIELDS:
            found = subject_word(getattr(self, field))
            if found is not None:
                raise SettingsInvalid(
                    f"{PREFIX}{field.upper()}: names the subject ({found!r}); texts, cards and "
                    "page titles stay on phones and in pockets, so use neutral words"
                )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def secure_cookies(self) -> bool:
        """Cookies get Secure and the __Host- prefix whenever the public URL is HTTPS."""
        return self.public_base_url.startswith("https://")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Decode FEEDBACK_* variables; a bad value raises SettingsInvalid naming the variable."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field, parse in _PARSERS.items():
            name = PREFIX + field.upper()
            raw = env.get(name)
            if raw is None or raw == "":
                continue
            try:
                values[field] = parse(raw)
            except ValueError as error:
                shown = "" if field in SECRET_FIELDS else f" (got {raw!r})"
                raise SettingsInvalid(f"{name}: {error}{shown}") from None
        return cls(**values, public_base_url_set="public_base_url" in values)

    def serving_on(self, host: str, port: int) -> Settings:
        """On the embedded default (no public URL set, a loopback host) people reach the
        server where it listens, so set-password links, survivor links and QR codes follow
        --host/--port instead of pointing at a port nothing listens on."""
        if self.public_base_url_set or host not in LOOPBACK_HOSTS:
            return self
        shown = f"[{host}]" if ":" in host else host
        return msgspec.structs.replace(self, public_base_url=f"http://{shown}:{port}")


def _path(raw: str) -> Path:
    return Path(raw).expanduser()


def _database_url(raw: str) -> str:
    if not raw.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://", "postgresql://")):
        raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
    if raw.startswith("postgresql://"):
        return "postgresql+asyncpg://" + raw.removeprefix("postgresql://")
    return raw


def _redis_url(raw: str) -> str:
    if urlsplit(raw).scheme not in ("redis", "rediss"):
        raise ValueError("must be a redis:// or rediss:// URL")
    return raw


def _base_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an absolute http:// or https:// URL")
    return raw.rstrip("/")


def _bounded_int(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ValueError("must be a whole number") from None
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}")
        return value

    return parse


def _log_level(raw: str) -> str:
    if raw.upper() not in LOG_LEVELS:
        raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
    return raw.upper()


def _master_keys(raw: str) -> str:
    decode_master_keys(raw)
    return raw


def _key_period(raw: str) -> str:
    from feedback.crypto.periods import PERIOD_KINDS

    if raw.lower() not in PERIOD_KINDS:
        raise ValueError(f"must be one of {', '.join(PERIOD_KINDS)}")
    return raw.lower()


def _exit_sites(raw: str) -> tuple[str, ...]:
    """Comma-separated https URLs; plain http only on loopback, for tests and local trials."""
    sites = tuple(part.strip() for part in raw.split(",") if part.strip())
    if not sites:
        raise ValueError("must list at least one https:// URL")
    for site in sites:
        parts = urlsplit(site)
        local = parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
        if not (parts.scheme == "https" or local) or not parts.netloc or " " in site:
            raise ValueError("must be comma-separated https:// URLs")
    return sites


def _respondent_title(raw: str) -> str:
    """The browser tab title of every respondent page: it must not reveal what the page is."""
    title = raw.strip()
    if not title or len(title) > 60:
        raise ValueError("must be 1 to 60 characters")
    return title


def _card_help_line(raw: str) -> str:
    """Printed on every link card; cards go home with survivors, so keep it short and neutral."""
    line = " ".join(raw.split())
    if not line or len(line) > 200:
        raise ValueError("must be 1 to 200 characters")
    return line


SMS_PROVIDERS = ("outbox", "notify", "twilio")


def _sms_provider(raw: str) -> str:
    if raw.lower() not in SMS_PROVIDERS:
        raise ValueError(f"must be one of {', '.join(SMS_PROVIDERS)}")
    return raw.lower()


def _plain_text(raw: str) -> str:
    text = raw.strip()
    if not text or any(ch.isspace() for ch in text):
        raise ValueError("must be one word with no spaces")
    return text


def _secret_text(raw: str) -> str:
    if len(raw.strip()) < 8:
        raise ValueError("must be at least 8 characters")
    return raw.strip()


def _notify_api_key(raw: str) -> str:
    """Notify keys end with the service id and the secret, two UUIDs (73 characters)."""
    key = raw.strip()
    if len(key) < 74 or key[-37] != "-" or key[-74] != "-":
        raise ValueError("must be a GOV.UK Notify API key (name-serviceid-secret)")
    return key


def _invitation_template(raw: str) -> str:
    """The invitation text; a phone may be read by someone else, so it must stay neutral,
    and it must carry the link."""
    text = raw.strip()
    if "URL" not in text or len(text) > 300:
        raise ValueError(
            "must contain the word URL (where the link goes) and be at most 300 characters"
        )
    return text


def _clock_start(raw: str) -> str:
    """An instant with its UTC offset; kept as given, read by `feedback.clock`."""
    from feedback.clock import parse_instant

    parse_instant(raw)
    return raw.strip()


def _report_rounding(raw: str) -> str:
    """How reports protect small counts: only `suppress` (c and secondary suppression)."""
    value = raw.strip().lower()
    if value != "suppress":
        raise ValueError(_rounding_refusal(value))
    return value


def _rounding_refusal(value: str) -> str:
    """Why a protection method is refused: a deployment still set to round5 is told why."""
    return ROUND5_REMOVED if value.strip().lower() == "round5" else "must be suppress"


_PARSERS: dict[str, Callable[[str], Any]] = {
    "data_dir": _path,
    "database_url": _database_url,
    "redis_url": _redis_url,
    "job_timeout_seconds": _bounded_int(1, 3600),
    "clock_start": _clock_start,
    "key_file": _path,
    "master_key": _master_keys,
    "public_base_url": _base_url,
    "suppression_threshold": _bounded_int(MINIMUM_SUPPRESSION_THRESHOLD, 100),
    "report_rounding": _report_rounding,
    "report_max_stale_seconds": _bounded_int(0, 24 * 60 * 60),
    "session_idle_minutes": _bounded_int(1, 24 * 60),
    "sign_in_attempts_per_hour": _bounded_int(1, 10_000),
    "join_attempts_per_hour": _bounded_int(1, 10_000),
    "school_notice_hours": _bounded_int(0, 24 * 60),
    "class_session_minutes": _bounded_int(5, 8 * 60),
    "log_level": _log_level,
    "key_period": _key_period,
    "exit_sites": _exit_sites,
    "respondent_title": _respondent_title,
    "card_help_line": _card_help_line,
    "sms_help_reply": _card_help_line,
    "sms_provider": _sms_provider,
    "sms_notify_api_key": _notify_api_key,
    "sms_notify_template_id": _plain_text,
    "sms_notify_base_url": _base_url,
    "sms_notify_inbound_token": _secret_text,
    "sms_twilio_account_sid": _plain_text,
    "sms_twilio_auth_token": _secret_text,
    "sms_twilio_from": _plain_text,
    "sms_twilio_base_url": _base_url,
    "sms_invitation_template": _invitation_template,
    "sms_conversation_hours": _bounded_int(1, 24 * 7),
    "sms_send_per_minute": _bounded_int(1, 60_000),
    "outcome_pairing_expiry_months": _bounded_int(1, 120),
}
