"""Speed tricks of the request path, in one place, each explained: what it saves and why it changes nothing else.

The request that sets the bar is ``POST /api/v1/tenants/<slug>/reports``: ``bench/report_ingest.py`` holds it to at
least half the throughput of a bare INSERT (``bench/floor_app.py``). Each trick here does once what cannot differ
between requests, or skips work whose result is known; none changes an answer, a check or a header. The figures are
what each saved per report POST, in process, on PostgreSQL (``bench/report_ingest.py --profile`` shows the rest).

The report list's SQL tricks are at the end (measured with ``bench/page_times.py``). Elsewhere, marked with a pointer
to this module: the tenant binding's one statement (``core.api.tenant_blueprint``),
the per-process caches of tenant, memberships and catalogue (``core.tenants.cache``), the input guard's scan
before a JSON walk (``core.api.input_guard``), and for the coordinator's home (``bench/page_times.py``): the facts
kept per transaction (:func:`once_per_session`: the caller's groups and leg, each cycle's plan and the active
areas), a cycle found by ``Session.get`` (``core.cycles.service.get``) and the plan's pictures read without their
statistics (``core.cycles.service.latest_pictures``).
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from types import FunctionType
from typing import Any

from flask import Flask, Request, Response, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from sqlalchemy import ColumnElement, Select, event
from sqlalchemy.orm import ORMExecuteState, Session


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without building the cookie signer for a request that carries no session
    cookie (API clients with a Bearer token: every report POST). Flask builds the signer (a key derivation) before
    it looks for the cookie, and then hands out an empty session; this hands out the same empty session at once
    (~0.04 ms). With a cookie, or without a secret key, Flask's own code runs."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


class SyncViews(Flask):
    """Flask, remembering which plain functions are synchronous. Flask asks, for every view and hook of every
    request, whether the function is a coroutine function (``inspect`` flag checks, about ten per request); a plain
    ``def`` function never changes its kind, so the answer (the function itself) is kept. Anything else — bound
    methods, ``async def`` functions — goes through Flask's ``ensure_sync`` as ever."""

    _sync_functions: dict[FunctionType, Callable[..., Any]]

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        if type(func) is not FunctionType:
            return super().ensure_sync(func)
        known = self.__dict__.setdefault("_sync_functions", {})
        if func not in known:
            known[func] = super().ensure_sync(func)
        return known[func]


def init_app(app: Flask) -> None:
    app.session_interface = CookieSessions()
    app.after_request(compressed_static)


# --- static files, gzip-compressed (``bench/report_form_load.py``) ----------------------------------------------
# The reporter's form loads est's scripts and styles and Leaflet's (leaflet.js alone is 147 KB, 42 KB gzipped): on
# a phone's first visit, about 210 KB as files, 65 KB compressed. Each file is compressed once per version (its
# ETag) and kept; a client that does not accept gzip, a range or a conditional answer gets the file as before.
COMPRESSIBLE = frozenset({"text/css", "text/javascript", "application/javascript", "image/svg+xml"})
_compressed: dict[tuple[str, str], bytes] = {}


def compressed_static(response: Response) -> Response:
    """A static file's 200 answer, gzip-compressed for a client that accepts it."""
    if (
        request.method != "GET"
        or response.status_code != 200
        or not (request.endpoint or "").endswith("static")
        or response.mimetype not in COMPRESSIBLE
        or "gzip" not in request.headers.get("Accept-Encoding", "")
        or "Content-Encoding" in response.headers
    ):
        return response
    etag, _weak = response.get_etag()
    key = (request.path, etag or "")
    if key not in _compressed or not etag:
        response.direct_passthrough = False
        _compressed[key] = gzip.compress(response.get_data(), compresslevel=6, mtime=0)
    response.set_data(_compressed[key])
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    if etag:
        response.set_etag(f"{etag}-gzip")
    return response


# --- the report list's SQL (``core.reports.listing``, ``core.web.report_list``) -------------------------------------
# Measured with ``bench/page_times.py`` on ``est_lagesbild`` (7.8 M reports, 300 tenants). A tenant's reports arrive
# interleaved with every other tenant's, so on the heap they lie about one to a page: any query that must look at
# the rows (not only an index) reads about one page per report it looks at.

# A report's ``period`` is the first ISO week of the (weekly or fortnightly) period holding ``occurred_at`` in the
# tenant's time zone, so the moment lies within two weeks after that week's Monday; a day either side covers any
# time zone (and a zone changed since).
LONGEST_PERIOD = timedelta(weeks=2)
ZONE_MARGIN = timedelta(days=1)


def moments_of_periods(column: Any, first: str | None, last: str | None) -> list[ColumnElement[bool]]:
    """Conditions on ``occurred_at`` that a range of period labels implies: added next to ``period >= first`` /
    ``period <= last`` (which still decide), they change no answer but let the planner range-scan the indexes that
    end in ``occurred_at`` (``tenant, area, occurred_at``). For 12 periods of one area the first page then looks at
    ~300 rows instead of all ~4,300 of the area (7,200 buffers, ~45 ms warm on a busy machine)."""
    conditions: list[ColumnElement[bool]] = []
    if first is not None:
        conditions.append(column >= _monday(first) - ZONE_MARGIN)
    if last is not None:
        conditions.append(column < _monday(last) + LONGEST_PERIOD + ZONE_MARGIN)
    return conditions


def _monday(label: str) -> datetime:
    year, week = label.split("-W")
    return datetime.combine(date.fromisocalendar(int(year), int(week), 1), time(0), UTC)


def page_without_total(session: Session, statement: Select, page: int, size: int) -> tuple[list[Any], bool]:
    """One page of ``statement``'s rows and whether another follows, read as ``size + 1`` rows — no total. The exact
    count of a filtered list reads every matching report of the tenant (severity 4 and not late: ~25,000 heap pages,
    ~0.9 s cold), the page itself only until it is full (~1,000 rows on the ``occurred_at`` index, ~8 ms). The API's
    lists keep their ``total``; the page shows "next" while rows follow, and the export tells the size."""
    rows = list(session.scalars(statement.limit(size + 1).offset((page - 1) * size)))
    return rows[:size], len(rows) > size


def once_per_session(session: Session, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    """``compute()`` once per database transaction for ``key``, then the kept answer — while the session writes
    nothing: pending changes read afresh, and a flush, an ORM write statement or the transaction's end forgets
    every kept answer.

    For facts a request asks again and again and does not change itself: the coordinator's home asks who the caller
    is (their groups, their leg) and what each open cycle's compilation plan is for every action it offers —
    ~50 identical queries a page on the 7.8 M-report benchmark database. The answers live in ``Session.info``.
    """
    if session.new or session.dirty or session.deleted:
        return compute()
    kept = session.info.setdefault(_KEPT, {})
    if key not in kept:
        kept[key] = compute()
    return kept[key]


_KEPT = "est_once"


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, *_: Any) -> None:
    session.info.pop(_KEPT, None)


@event.listens_for(Session, "do_orm_execute")
def _forget_on_statement(state: ORMExecuteState) -> None:
    """An INSERT, UPDATE or DELETE statement writes without a flush."""
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info.pop(_KEPT, None)
