"""What processes keep in memory per tenant (row, memberships, reporting catalogue) follows every change at once —
whichever way the change is written — because the database bumps the tenant's revision (migration 0005)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import bindparam, create_engine, select, text

from core.db import UTCDateTime, make_engine, new_session
from core.reports.models import Report
from core.tenancy import TenancyError, current_session, insert_row, tenant_context
from core.tenants.models import Tenant
from tests.helpers import Api

REPORTS = "/api/v1/tenants/alfa/reports"


@pytest.fixture
def owner_sql(settings):
    """Raw SQL as the schema owner (admitted to every row), outside est's sessions and listeners."""
    engine = create_engine(settings.migration_database_url)

    def run(statement: str, **parameters) -> None:
        typed = [bindparam(k, type_=UTCDateTime()) for k, v in parameters.items() if isinstance(v, datetime)]
        with engine.begin() as connection:
            connection.execute(text(statement).bindparams(*typed), parameters)

    yield run
    engine.dispose()


def _report(area: int, **changes) -> dict:
    return {"item": "skadegorelse", "area": area, "occurred_at": "2024-03-12T22:15:00+01:00", "severity": 2,
            "place": {"text": "Vivalla centrum"}, **changes}  # fmt: skip


def _setup(api: Api) -> tuple[str, int]:
    api.onboard("alfa")
    coordinator = api.user("samordnare@alfa.test", tenant="alfa", role="coordinator")
    area = api.get("/api/v1/tenants/alfa/areas", coordinator).get_json()["items"][0]["id"]
    assert api.post(REPORTS, coordinator, json=_report(area)).status_code == 201  # everything is cached now
    return coordinator, area


def test_a_retired_area_is_refused_at_once_even_when_retired_by_raw_sql(api: Api, owner_sql) -> None:
    coordinator, area = _setup(api)
    owner_sql("update areas set active = false where id = :id", id=area)
    response = api.post(REPORTS, coordinator, json=_report(area))
    assert response.status_code == 422 and "area" in response.get_json()["errors"]


def test_a_changed_tenant_row_shows_at_once(api: Api, owner_sql) -> None:
    coordinator, area = _setup(api)
    owner_sql("""update tenants set severity_scale = '["Ett", "Två", "Tre"]' where slug = 'alfa'""")
    assert api.post(REPORTS, coordinator, json=_report(area)).get_json()["severity_label"] == "Två"
    assert api.post(REPORTS, coordinator, json=_report(area, severity=4)).status_code == 422


def test_a_changed_membership_counts_at_once(api: Api, owner_sql) -> None:
    coordinator, area = _setup(api)
    owner_sql("update memberships set role = 'reporter'")
    assert api.get(f"{REPORTS}/import/template", coordinator).status_code == 200  # a reporter may
    assert api.post(f"{REPORTS}/import", coordinator, data={}).status_code == 403  # but not import
    owner_sql("delete from memberships")
    assert api.post(REPORTS, coordinator, json=_report(area)).status_code == 404


def test_a_moved_deadline_decides_lateness_at_once(api: Api, owner_sql) -> None:
    coordinator, area = _setup(api)
    assert api.post(REPORTS, coordinator, json=_report(area)).get_json()["late"] is True  # 2024 is long past
    owner_sql(
        "insert into cycles (tenant_id, period, period_start, weeks, deadline, state, revision, created_at, updated_at)"
        " select id, '2024-W11', :start, 1, :deadline, 'collecting', 1, :deadline, :deadline from tenants"
        " where slug = 'alfa'",
        start=date(2024, 3, 11),
        deadline=datetime(2999, 1, 1, tzinfo=UTC),
    )
    assert api.post(REPORTS, coordinator, json=_report(area)).get_json()["late"] is False
    owner_sql("update cycles set deadline = :deadline", deadline=datetime(2000, 1, 1, tzinfo=UTC))
    assert api.post(REPORTS, coordinator, json=_report(area)).get_json()["late"] is True


def test_every_watched_change_bumps_the_revision(api: Api, app, owner_sql) -> None:
    api.onboard("alfa")

    def revision() -> int:
        with app.app_context():
            return current_session().scalar(select(Tenant.revision).where(Tenant.slug == "alfa"))

    before = revision()
    owner_sql("update tenants set name = 'Alfa kommun' where slug = 'alfa'")
    assert revision() == before + 1
    owner_sql("update areas set name = name where id = (select min(id) from areas)")
    owner_sql("update organisations set name = name where id = (select min(id) from organisations)")
    assert revision() == before + 3
    owner_sql("update cycles set state = state")  # a cycle's deadline counts, its state does not
    owner_sql("update reports set severity = severity")
    assert revision() == before + 3


def _two_tenants(api: Api, app) -> tuple[int, int]:
    api.onboard("alfa")
    api.onboard("beta")
    with app.app_context():
        db = current_session()
        return tuple(db.scalar(select(Tenant.id).where(Tenant.slug == slug)) for slug in ("alfa", "beta"))


def test_insert_row_stamps_the_tenant_and_refuses_another(api: Api, app) -> None:
    alfa, beta = _two_tenants(api, app)
    with app.app_context():
        db = current_session()
        with tenant_context(alfa, db), pytest.raises(TenancyError):
            insert_row(db, Report.__table__, {"tenant_id": beta})
        db.rollback()
    with app.app_context(), pytest.raises(TenancyError):
        insert_row(current_session(), Report.__table__, {})  # no tenant: fail closed


def test_an_idle_connection_that_died_is_replaced_before_use(settings, real_services: bool) -> None:
    if not real_services:
        pytest.skip("a PostgreSQL connection the server dropped")
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            pid = connection.exec_driver_sql("select pg_backend_pid()").scalar()
            info = connection.connection.info  # kept with the pooled connection
        with create_engine(settings.database_url).connect() as other:
            other.exec_driver_sql(f"select pg_terminate_backend({pid})")
        info["est_idle_since"] -= 3600  # as if it had waited in the pool for an hour
        with engine.connect() as connection:
            assert connection.exec_driver_sql("select pg_backend_pid()").scalar() != pid
    finally:
        engine.dispose()


def test_a_session_that_has_written_sees_its_own_changes_and_caches_nothing(api: Api, app) -> None:
    from core.accounts.actor import Actor
    from core.accounts.models import Role
    from core.organisation.models import Area
    from core.reports.service import ReportingContext

    coordinator, area_id = _setup(api)
    with app.app_context():
        db = current_session()
        tenant = db.scalar(select(Tenant).where(Tenant.slug == "alfa"))
        with tenant_context(tenant.id, db):
            db.scalar(select(Area).where(Area.id == area_id)).active = False
            db.flush()  # not committed: the tenant's stamp in this Session is now older than the database
            context = ReportingContext(db, tenant, Actor(user_id=None, role=Role.ADMIN))
            assert context.areas[area_id].active is False
            db.rollback()
    assert api.post(REPORTS, coordinator, json=_report(area_id)).status_code == 201  # nothing was cached


def test_bulk_update_keeps_the_session_in_step_and_refuses_rows_by_primary_key(api: Api, app) -> None:
    from sqlalchemy import delete, update

    from core.organisation.models import Area

    alfa, beta = _two_tenants(api, app)
    with app.app_context():
        db = current_session()
        with new_session() as other, tenant_context(beta, other):
            foreign = other.scalar(select(Area.id).order_by(Area.id))
        with tenant_context(alfa, db):
            area = db.scalar(select(Area).order_by(Area.id))
            db.execute(update(Area).where(Area.id == area.id).values(name="Omdöpt"))
            assert area.name == "Omdöpt"  # the Session's object follows the bulk UPDATE
            db.execute(delete(Area).where(Area.id == area.id))
            assert area not in db
            db.rollback()
            with pytest.raises(TenancyError):
                db.execute(update(Area), [{"id": foreign, "name": "Kapad"}])
            db.rollback()


def test_a_member_of_no_tenant_by_that_name_gets_404(api: Api) -> None:
    coordinator, _ = _setup(api)
    assert api.get("/api/v1/tenants/finns-inte/reports", coordinator).status_code == 404
    assert api.get("/api/v1/tenants/finns-inte/reports", "ogiltig").status_code == 401
    assert api.get("/api/v1/tenants/finns-inte/reports").status_code == 401
