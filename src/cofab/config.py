"""Settings from the environment (prefix ``COFAB_``) with safe defaults for a laptop.

Secrets are generated into the data folder on first use (mode 0600) so that a fresh clone runs
without any set-up, and they are never printed or logged.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COFAB_", extra="ignore")

    database_url: str = "sqlite:///./cofab.db"
    data_dir: Path = Path("./cofab-data")
    secret_key: str | None = Field(default=None, repr=False)
    host: str = "127.0.0.1"
    port: int = 8000
    max_upload_mb: int = 20
    # imports: what one spreadsheet may unpack to (a 300 KB XLSX can hold 200k rows)
    max_import_rows: int = 100_000
    max_import_cells: int = 3_000_000
    max_unzipped_mb: int = 200
    vault_max_upload_mb: int = 1024
    login_max_failures: int = 5
    login_lock_minutes: int = 15
    session_max_age_s: int = 60 * 60 * 12
    secure_cookies: bool = False
    # Password-reset links; e-mailed through SMTP when smtp_host is set, else shown to the admin.
    password_reset_hours: int = 24
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = Field(default=None, repr=False)
    smtp_from: str = "cofab@localhost"
    smtp_starttls: bool = True
    smtp_timeout_s: float = 10.0
    # Notifications' e-mail: smtp://user:pass@host:port, smtp+starttls://…, smtps://…
    smtp_url: str | None = Field(default=None, repr=False)

    def resolved_secret_key(self) -> str:
        """The signing key for sessions and CSRF tokens, generated once per data folder."""
        if self.secret_key:
            return self.secret_key
        return read_or_create_secret(self.data_dir / "secret.key")


def read_or_create_secret(path: Path) -> str:
    """Read a secret file, or create it with mode 0600 without a window where others can read."""
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value)
    return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
