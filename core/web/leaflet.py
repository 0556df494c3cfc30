"""Leaflet, the map library, served by est itself from the ``XStatic-Leaflet`` package: no other origin is asked
for anything (the Content-Security-Policy allows none), and the maps work offline.

The URL carries Leaflet's version (``/static/vendor/leaflet/1.9.3/leaflet.js``), so a file under it never changes and
browsers may keep it for a year; upgrading the package changes the URL.
"""

from __future__ import annotations

from flask import Blueprint
from xstatic.pkg import leaflet

ONE_YEAR = 365 * 24 * 3600


class VersionedFiles(Blueprint):
    """A blueprint whose static files live under a versioned URL and are cached for a year."""

    def get_send_file_max_age(self, filename: str | None) -> int:
        return ONE_YEAR


blp = VersionedFiles(
    "leaflet", __name__, static_folder=leaflet.BASE_DIR, static_url_path=f"/static/vendor/leaflet/{leaflet.VERSION}"
)
