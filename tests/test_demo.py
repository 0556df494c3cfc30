"""``est demo``'s lived-in pilots (core.demo): weeks of demo reports moved through the real cycle, idempotently,
every text past the personal-data guard, every row in its own tenant."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import text

from core.accounts.seed import seed_demo_accounts
from core.cycles.models import Cycle, Meeting
from core.demo import places, texts
from core.demo.seed import periods_to_seed, seed
from core.lagesbild.models import AreaAssessment, Lagesbild
from core.lagesbild.presentation import present
from core.privacy import find_identifiers
from core.reports.models import Report
from core.tenancy import current_session, tenant_context
from core.tenants.models import Tenant
from core.workflow.log import Transition
from tests.helpers import count_all, owner_connection
from tests.page_helpers import onboard_pilot

# A Thursday afternoon: Örebro's and Malmö's deadline (Wednesday) for the week before has passed.
NOW = datetime(2026, 11, 19, 15, 0, tzinfo=UTC)
MODELS = (Report, Cycle, Lagesbild, AreaAssessment, Meeting, Transition)


def _pilots(app: Flask, *slugs: str, accounts: bool = False) -> None:
    for slug in slugs:
        onboard_pilot(app, slug)
    if accounts:
        with app.app_context():
            seed_demo_accounts(list(slugs), "demo")


def _seed(app: Flask, *slugs: str, now: datetime = NOW, weeks: int = 12) -> dict[str, tuple[int, int]]:
    with app.app_context():
        return {s.slug: (s.reports, s.published) for s in seed(list(slugs), now, weeks)}


def _rows(app: Flask, sql: str, **params: Any) -> list[Any]:
    with owner_connection(app) as connection:
        return list(connection.execute(text(sql), params))


def _tenant_id(app: Flask, slug: str) -> int:
    return _rows(app, "SELECT id FROM tenants WHERE slug = :slug", slug=slug)[0][0]


def _counts(app: Flask, tenant_id: int) -> dict[str, int]:
    tables = ("reports", "cycles", "lagesbilder", "area_assessments", "meetings", "transitions")
    return {t: _rows(app, f"SELECT count(*) FROM {t} WHERE tenant_id = :t", t=tenant_id)[0][0] for t in tables}


def _json(value: Any) -> Any:
    """A JSON column as read through a plain connection: parsed on PostgreSQL, text on SQLite."""
    return json.loads(value) if isinstance(value, str) else value


def _strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_twelve_published_weeks_and_a_collecting_one_in_each_pilots_own_tenant(app: Flask) -> None:
    _pilots(app, "orebro", "malmo", "vaxjo", accounts=True)
    vaxjo = _tenant_id(app, "vaxjo")
    untouched = _counts(app, vaxjo)
    added = _seed(app, "orebro", "malmo")
    assert added["orebro"][1] == added["malmo"][1] == 12
    for slug in ("orebro", "malmo"):
        tenant = _tenant_id(app, slug)
        final = "gemensam" if slug == "orebro" else "motet"
        pictures = _rows(app, "SELECT id, label, statistics FROM lagesbilder WHERE tenant_id = :t AND "
                              "status = 'published' AND step = :step ORDER BY label", t=tenant, step=final)  # fmt: skip
        assert [p.label for p in pictures] == [f"2026-W{week}" for week in range(35, 47)]
        areas = {row.id for row in _rows(app, "SELECT id FROM areas WHERE tenant_id = :t", t=tenant)}
        colours = set()
        for picture in pictures:
            statistics = _json(picture.statistics)
            assert statistics["total"] > 0 and statistics["by_hour"] and statistics["hot_spots"]
            assessed = _rows(app, "SELECT area_id, label FROM area_assessments WHERE lagesbild_id = :p AND "
                                  "scale = 'colour'", p=picture.id)  # fmt: skip
            assert {row.area_id for row in assessed} == areas
            colours |= {row.label for row in assessed}
        assert len(colours) >= 2, "the colours vary over the weeks"
        # A hot place has its own night (a Friday evening, say): the latest picture says when, as a coordinator would.
        with app.app_context(), tenant_context(tenant):
            db = current_session()
            view = present(db, db.get(Tenant, tenant), db.get(Lagesbild, pictures[-1].id), audience="internal")
        timed = [spot.text for spot in view.hot_spots if re.search(r", (tors|fre|lör)dagar \d\d–\d\d$", spot.text)]
        assert timed, [spot.text for spot in view.hot_spots]
        # (onboarding opened the cycles of the real today's weeks too: later than NOW, left out here)
        cycles = _rows(app, "SELECT period, state FROM cycles WHERE tenant_id = :t AND period <= '2026-W47' "
                            "ORDER BY period", t=tenant)  # fmt: skip
        assert cycles[-1] == ("2026-W47", "collecting")
        assert {state for _period, state in cycles[:-1]} == {"published"}
        current = _rows(app, "SELECT count(*), max(created_at) FROM reports WHERE tenant_id = :t AND "
                             "period = '2026-W47'", t=tenant)[0]  # fmt: skip
        assert current[0] > 0
        weekly = _rows(app, "SELECT period, count(*) FROM reports WHERE tenant_id = :t AND period < '2026-W47' "
                            "GROUP BY period", t=tenant)  # fmt: skip
        assert len(weekly) == 12 and all(35 <= count <= 160 for _period, count in weekly)
    malmo = _tenant_id(app, "malmo")
    risks = _rows(app, "SELECT count(*) FROM area_assessments WHERE tenant_id = :t AND scale = 'risk'", t=malmo)
    assert risks[0][0] == 12, "model C records each meeting with a risk value"

    # History is not news: nothing is sent (core.demo.flow.publish is where publishing is told not to distribute).
    assert _rows(app, "SELECT count(*) FROM outbox") == [(0,)]
    assert _rows(app, "SELECT count(*) FROM notifications") == [(0,)]

    assert _rows(app, "SELECT DISTINCT source FROM reports") == [("demo",)]
    assert _rows(app, "SELECT count(*) FROM reports WHERE created_at > :now", now=NOW.replace(tzinfo=None)) == [(0,)]
    for row in _rows(app, "SELECT place_text, comment, early_action FROM reports"):
        for value in row:
            assert not value or find_identifiers(value) == [], value
    for (assessment,) in _rows(app, "SELECT assessment FROM lagesbilder WHERE assessment IS NOT NULL"):
        for value in _strings(_json(assessment)):
            assert find_identifiers(value) == [], value

    # Each pilot's rows in its own tenant only: what they point at is the same tenant's, and the third pilot,
    # not seeded, got nothing.
    for sql in (
        "SELECT count(*) FROM reports r JOIN areas a ON a.id = r.area_id WHERE a.tenant_id <> r.tenant_id",
        "SELECT count(*) FROM reports r JOIN reporter_functions f ON f.id = r.reporter_function_id "
        "WHERE f.tenant_id <> r.tenant_id",
        "SELECT count(*) FROM reports r WHERE r.reported_by IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM memberships m WHERE m.user_id = r.reported_by AND m.tenant_id = r.tenant_id)",
        "SELECT count(*) FROM lagesbilder l JOIN cycles c ON c.id = l.cycle_id WHERE c.tenant_id <> l.tenant_id",
        "SELECT count(*) FROM area_assessments s JOIN lagesbilder l ON l.id = s.lagesbild_id "
        "WHERE l.tenant_id <> s.tenant_id",
        "SELECT count(*) FROM area_assessments s JOIN areas a ON a.id = s.area_id WHERE a.tenant_id <> s.tenant_id",
    ):
        assert _rows(app, sql) == [(0,)], sql
    assert _counts(app, vaxjo) == untouched


def test_a_second_run_adds_nothing_and_a_later_week_only_what_is_new(app: Flask) -> None:
    _pilots(app, "norrkoping")
    first = _seed(app, "norrkoping")
    assert first["norrkoping"][0] > 0 and first["norrkoping"][1] == 12
    before = count_all(app, *MODELS)
    assert _seed(app, "norrkoping") == {"norrkoping": (0, 0)}
    assert count_all(app, *MODELS) == before

    # Model B: every area's local group compiled and assessed its picture; the roll-up was published.
    locals_ = _rows(app, "SELECT count(*) FROM lagesbilder WHERE step LIKE 'lokal_%' AND status = 'assessed'")
    assert locals_ == [(12 * 3,)]

    # A week later the week that was collecting is published and a new one collects; nothing older changes.
    later = _seed(app, "norrkoping", now=NOW + timedelta(weeks=1))
    assert later["norrkoping"][1] == 1 and later["norrkoping"][0] > 0
    states = _rows(app, "SELECT period, state FROM cycles WHERE period <= '2026-W48' ORDER BY period")
    assert states[-2:] == [("2026-W47", "published"), ("2026-W48", "collecting")]
    assert _rows(app, "SELECT count(*) FROM reports GROUP BY import_key HAVING count(*) > 1") == []


def test_the_current_period_before_its_deadline_keeps_collecting(app: Flask) -> None:
    """Monday morning: last week's deadline (Tuesday for Norrköping) has not passed, so it collects too."""
    _pilots(app, "norrkoping")
    monday = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert _seed(app, "norrkoping", now=monday, weeks=3)["norrkoping"][1] == 3 - 1
    states = _rows(app, "SELECT period, state FROM cycles WHERE period <= '2026-W48' ORDER BY period")
    assert states[-2:] == [("2026-W47", "collecting"), ("2026-W48", "collecting")]


def test_fortnightly_pilots_get_the_periods_of_twelve_weeks() -> None:
    tenant = Tenant(cadence={"frequency": "fortnightly", "fortnight_parity": "even", "timezone": "Europe/Stockholm"})
    found = periods_to_seed(tenant, NOW, 12)
    assert len(found) == 7 and {p.weeks for p in found} == {2}


def test_every_text_the_generator_can_write_passes_the_guard() -> None:
    written = [*places.PLACES, *places.OTHER_PLACES, *texts.EARLY_ACTIONS, *texts.CONDITIONS, *texts.ACTIONS,
               texts.meeting_notes(), *(c for comments in texts.COMMENTS.values() for c in comments)]  # fmt: skip
    for value in written:
        assert find_identifiers(value) == [], value
