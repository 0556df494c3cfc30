"""The speed tricks of ``core.speed`` change no answer: sessions are read as Flask reads them, views run as Flask
runs them. (The caches' tests are in test_tenant_cache.py.)"""

from __future__ import annotations

from flask import Flask, session
from sqlalchemy import update

from core.accounts.models import User
from core.db import new_session
from core.speed import CookieSessions, once_per_session
from tests.helpers import Api


def test_a_session_cookie_is_still_read_and_a_request_without_one_gets_an_empty_session(app: Flask) -> None:
    interface = app.session_interface
    assert isinstance(interface, CookieSessions)
    with app.test_request_context("/"):
        session["sid"] = "x"
        cookie = interface.get_signing_serializer(app).dumps(dict(session))
    name = interface.get_cookie_name(app)
    with app.test_request_context("/", headers={"Cookie": f"{name}={cookie}"}):
        assert dict(interface.open_session(app, _request())) == {"sid": "x"}
    with app.test_request_context("/", headers={"Cookie": f"{name}={cookie}x"}):
        assert dict(interface.open_session(app, _request())) == {}  # a forged cookie is no session
    with app.test_request_context("/"):
        opened = interface.open_session(app, _request())
        assert opened is not None and dict(opened) == {} and not opened.modified


def test_views_and_hooks_run_as_flask_runs_them(app: Flask) -> None:
    def view() -> str:
        return "ok"

    assert app.ensure_sync(view) is view
    assert app.ensure_sync(view) is view  # remembered
    bound = Api(app).get  # not a plain function: Flask's own ensure_sync
    assert app.ensure_sync(bound) == bound


def _request():
    from flask import request

    return request._get_current_object()


def test_a_fact_kept_for_the_transaction_is_read_afresh_once_the_session_writes(app: Flask) -> None:
    reads: list[int] = []

    def compute() -> int:
        reads.append(1)
        return len(reads)

    with app.app_context():
        db = new_session()
        try:
            assert once_per_session(db, ("fact",), compute) == 1
            assert once_per_session(db, ("fact",), compute) == 1  # kept
            db.add(User(email="ny@alfa.test"))
            assert once_per_session(db, ("fact",), compute) == 2  # a pending change: read afresh, not kept
            db.flush()
            assert once_per_session(db, ("fact",), compute) == 3  # a flush forgets
            assert once_per_session(db, ("fact",), compute) == 3
            db.rollback()
            assert once_per_session(db, ("fact",), compute) == 4  # so does the transaction's end
            db.execute(update(User).where(User.email == "nobody@alfa.test").values(active=False))
            assert once_per_session(db, ("fact",), compute) == 5  # and a write statement (no flush)
        finally:
            db.close()


def test_static_files_are_gzipped_for_clients_that_accept_it_and_unchanged_for_others(app: Flask) -> None:
    import gzip

    client = app.test_client()
    for path in ("/static/est.css", "/static/vendor/leaflet/1.9.3/leaflet.js"):
        plain = client.get(path)
        assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
        packed = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
        assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
        assert gzip.decompress(packed.data) == plain.data and len(packed.data) < len(plain.data) / 2
        assert packed.headers["ETag"] != plain.headers["ETag"]  # the two variants are cached apart
        ranged = client.get(path, headers={"Accept-Encoding": "gzip", "Range": "bytes=0-9"})
        assert ranged.status_code == 206 and "Content-Encoding" not in ranged.headers and len(ranged.data) == 10
