"""``tenants/*.toml``: read every file, validate all of them, and only then apply — a bad file changes nothing."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from core.db import new_session
from core.i18n import _
from core.registry.manager import EstPluginManager
from core.tenants import onboarding


@dataclass
class FileError(Exception):
    path: Path
    errors: dict[str, list[str]]

    def __str__(self) -> str:
        return "\n".join(f"{self.path}: {field}: {'; '.join(messages)}" for field, messages in self.errors.items())


def load(path: Path, pm: EstPluginManager) -> dict:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise FileError(path, {"_file": [_("Invalid TOML: {error}", error=error)]}) from error
    if document.get("slug") != path.stem:
        raise FileError(path, {"slug": [_("Must be the file's name, '{name}'.", name=path.stem)]})
    try:
        return onboarding.validate(document, pm)
    except onboarding.OnboardingError as error:
        raise FileError(path, error.errors) from error


def sync(directory: Path, pm: EstPluginManager) -> list[tuple[str, bool]]:
    """Onboard or re-sync every tenant file in ``directory``. Returns (slug, created) per file.

    Every file is validated before anything is written; then each tenant is applied in its own Session and
    transaction (a Session serves one tenant).
    """
    specs = [load(path, pm) for path in sorted(directory.glob("*.toml"))]
    results = []
    for spec in specs:
        with new_session() as session:
            tenant, created = onboarding.apply(session, spec, pm)
            session.commit()
            results.append((tenant.slug, created))
    return results
