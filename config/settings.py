"""Settings: defaults for the embedded platform, overridden by ``EST_*`` environment variables.

No setting at all means the embedded default: a SQLite file in the instance folder and jobs run in-process.
``EST_DATABASE_URL=postgresql+psycopg://…`` and ``EST_REDIS_URL=redis://…`` switch to the real services.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
SMTP_TLS_MODES = ("none", "starttls", "tls")
HOST_AND_PORT = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?")


@dataclass(frozen=True)
class Settings:
    instance_path: str = str(REPO_ROOT / "instance")
    # The application's database connection. On PostgreSQL: a role that owns no table, so RLS applies.
    database_url: str = ""
    # Connection used by `est db upgrade` (the schema owner). Defaults to database_url.
    migration_database_url: str = ""
    # On PostgreSQL, the role the application connects as; migrations grant it data rights only.
    app_role: str = ""
    redis_url: str = ""
    queue_name: str = "est"
    # Seconds an rq job that raised an unexpected error waits before each further attempt (as many attempts more as
    # delays); est's own errors (bad input) are never retried.
    job_retry_delays: str = "5 30"
    secret_key: str = ""
    tenants_dir: str = str(REPO_ROOT / "tenants")
    token_ttl_days: int = 90
    # Mark session cookies Secure (sent over HTTPS only). Unset: on, except on the embedded default (`est demo`
    # serves plain http on 127.0.0.1).
    secure_cookies: bool | None = None
    # How many reverse proxies in front of est set X-Forwarded-For/-Proto/-Host; 0 trusts no such header.
    trusted_proxies: int = 0
    # Failed logins allowed in a moving window before that account, or that client address, gets 429 (the limits
    # library's notation). Only failures count; a success clears the account's count.
    login_failures_per_account: str = "5 per 15 minutes"
    login_failures_per_address: str = "50 per 15 minutes"
    # Report imports: most rows per file, and largest file (bytes) accepted for upload.
    import_max_rows: int = 200_000
    import_max_bytes: int = 40 * 1024 * 1024
    # Report exports (CSV/XLSX of the filtered list): most rows per file; more is refused (413), never cut short.
    export_max_rows: int = 100_000
    # Outgoing mail. No host: messages are delivered to a local mailbox (a maildir under the instance folder).
    smtp_host: str = ""
    # 0: the usual port for smtp_tls (465 for "tls", else 25).
    smtp_port: int = 0
    # "none", "starttls" (upgrade the connection) or "tls" (TLS from the first byte).
    smtp_tls: str = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    # The sender's address; its domain also names the Message-IDs. The display name is each tenant's.
    mail_from: str = "est@localhost"
    # Where the accessibility statement (/tillganglighet) tells people to report a barrier: an e-mail address.
    accessibility_contact: str = "tillganglighet@example.invalid"
    # Demo only: the password of the seeded demo accounts.
    demo_password: str = "demo"
    # A tile layer under the maps, e.g. "https://tile.openstreetmap.org/{z}/{x}/{y}.png" with its attribution. Unset:
    # the maps draw area outlines on a plain background and ask no other site for anything.
    map_tiles_url: str = ""
    map_tiles_attribution: str = ""

    @classmethod
    def from_env(cls, overrides: dict | None = None) -> Settings:
        values: dict = {}
        for f in fields(cls):
            raw = os.environ.get(f"EST_{f.name.upper()}")
            if raw is not None:
                values[f.name] = _parse(f"EST_{f.name.upper()}", f.type, raw)
        values.update(overrides or {})
        settings = cls(**values)
        return settings.resolved()

    def resolved(self) -> Settings:
        """Fill the defaults that depend on other settings (database file, secret key, secure cookies)."""
        instance = Path(self.instance_path)
        database_url = self.database_url or f"sqlite:///{instance / 'est.sqlite'}"
        secret_key = self.secret_key or _instance_secret(instance)
        if self.smtp_tls not in SMTP_TLS_MODES:
            raise ValueError(f"EST_SMTP_TLS must be one of {', '.join(SMTP_TLS_MODES)}, not {self.smtp_tls!r}")
        _check_map_tiles(self.map_tiles_url, self.map_tiles_attribution)
        self.retry_delays  # noqa: B018  # a malformed EST_JOB_RETRY_DELAYS fails at start-up
        secure_cookies = not database_url.startswith("sqlite") if self.secure_cookies is None else self.secure_cookies
        return Settings(
            **{
                **{f.name: getattr(self, f.name) for f in fields(self)},
                "database_url": database_url,
                "migration_database_url": self.migration_database_url or database_url,
                "secret_key": secret_key,
                "secure_cookies": secure_cookies,
            }
        )

    @property
    def embedded(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def retry_delays(self) -> tuple[int, ...]:
        """``job_retry_delays`` as seconds, e.g. ``(5, 30)``."""
        words = self.job_retry_delays.replace(",", " ").split()
        if not all(re.fullmatch(r"[0-9]+", word) for word in words):
            raise ValueError(f"EST_JOB_RETRY_DELAYS must be whole seconds, e.g. '5 30', not {self.job_retry_delays!r}")
        return tuple(int(word) for word in words)

    @property
    def map_tiles_origin(self) -> str | None:
        """The one other origin the pages may load images from (the Content-Security-Policy's img-src), if any."""
        if not self.map_tiles_url:
            return None
        parts = urlsplit(self.map_tiles_url)
        return f"{parts.scheme}://{parts.netloc}"


BOOLEANS = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def _parse(name: str, type_: str, raw: str) -> int | bool | str:
    """An ``EST_*`` value as its field's type (``type_`` is the annotation as written)."""
    if type_ == "int":
        return int(raw)
    if type_.startswith("bool"):
        if raw.strip().lower() not in BOOLEANS:
            raise ValueError(f"{name} must be one of {', '.join(BOOLEANS)}, not {raw!r}")
        return BOOLEANS[raw.strip().lower()]
    return raw


def _check_map_tiles(url: str, attribution: str) -> None:
    """A tile URL names one fixed origin (no ``{s}`` subdomains), since the Content-Security-Policy admits exactly that
    origin; and tiles are shown with their attribution, which their providers require."""
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not HOST_AND_PORT.fullmatch(parts.netloc):
        raise ValueError(
            f"EST_MAP_TILES_URL must be an http(s) URL with one fixed host (no {{s}} subdomains), not {url!r}"
        )
    if not attribution.strip():
        raise ValueError("EST_MAP_TILES_ATTRIBUTION must be set together with EST_MAP_TILES_URL")


def _instance_secret(instance: Path) -> str:
    """The embedded default keeps a generated secret key in the instance folder (never in the repo)."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
