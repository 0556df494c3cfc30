"""ETags made from a row's revision, for resources whose representation follows from their row alone (reports).

The tag is the same flask-smorest would compute from ``{"id": …, "revision": …}``, so views can hand it to
``Blueprint.set_etag``/``check_etag`` — and views that answer without the ETag decorator (a POST that creates)
can set the header themselves. Every change bumps the revision (``core.workflow.versioned``), so the tag changes
with every change and a stale ``If-Match`` is a 412.
"""

from __future__ import annotations

from typing import Any

from flask_smorest.etag import EtagMixin
from werkzeug.http import quote_etag

from core.workflow.versioned import Versioned


def revision_tag(row: Versioned) -> dict[str, Any]:
    """What the ETag of ``row`` is computed from."""
    return {"id": row.id, "revision": row.revision}  # type: ignore[attr-defined]


def etag_header(row: Versioned) -> dict[str, str]:
    """The ``ETag`` header of ``row``, for a response made without the ETag decorator."""
    return {"ETag": quote_etag(EtagMixin._generate_etag(revision_tag(row)))}
