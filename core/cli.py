"""The ``est`` command: every operator task."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup

from core.i18n import _
from core.tenancy import current_session


def _settings():
    return current_app.config["EST"]


def register_cli(app: Flask) -> None:
    db_group = AppGroup("db", help="Database schema.")
    tenants_group = AppGroup("tenants", help="Onboarding from tenants/*.toml.")
    users_group = AppGroup("users", help="Accounts.")
    cycles_group = AppGroup("cycles", help="The reporting cycle.")
    i18n_group = AppGroup("i18n", help="The sv and en message catalogues (core/translations).")
    mail_group = AppGroup("mail", help="Outgoing e-mail.")

    @db_group.command("upgrade")
    @click.option("--revision", default="head", show_default=True)
    def db_upgrade(revision: str) -> None:
        """Create or upgrade the schema (Alembic)."""
        from core.migrate import upgrade

        upgrade(_settings(), revision)
        click.echo(_("The database is upgraded to {revision}.", revision=revision))

    @db_group.command("citus-plan")
    def db_citus_plan() -> None:
        """Print the SQL that distributes this schema on a Citus coordinator (README: Growing past one machine)."""
        from core.sharding import sharding_plan

        with current_app.extensions["est.engine"].connect() as connection:
            click.echo("\n".join(sharding_plan(connection).statements()))

    @tenants_group.command("sync")
    @click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=None)
    def tenants_sync(directory: Path | None) -> None:
        """Onboard or update every tenant file; one bad file changes nothing."""
        from core.tenants.files import FileError, sync

        try:
            results = sync(directory or Path(_settings().tenants_dir), current_app.extensions["est.plugins"])
        except FileError as error:
            raise click.ClickException(str(error)) from error
        for slug, created in results:
            click.echo(_("{slug}: created", slug=slug) if created else _("{slug}: updated", slug=slug))

    @app.cli.command("plugins")
    def plugins() -> None:
        """List installed plugins, org models and checklist variants."""
        pm = current_app.extensions["est.plugins"]
        for name in pm.plugin_names():
            click.echo(f"plugin     {name}")
        for key, model in sorted(pm.org_models.items()):
            click.echo(f"org model  {key:<10} {model.name}  ({pm.providers[('org_model', key)]})")
        for key, variant in sorted(pm.checklists.items()):
            provider = pm.providers[("checklist", key)]
            items = _("{count} items", count=len(variant.items()))
            click.echo(f"checklist  {key:<10} {variant.name}, {items}  ({provider})")

    @users_group.command("create")
    @click.argument("email")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    @click.option("--platform-admin/--no-platform-admin", default=None, help="Default: leave as it is.")
    @click.option("--tenant", help="slug of a tenant to add the user to")
    @click.option("--role", type=click.Choice(["reporter", "coordinator", "admin"]), default="reporter")
    def users_create(email: str, password: str, platform_admin: bool | None, tenant: str | None, role: str) -> None:
        """Create a user (or reset its password), optionally as a member of a tenant.

        The password must meet the password policy. With --tenant the user joins at once, without an invitation:
        the operator of the server acts for the platform (tenant admins invite through the API instead)."""
        from core.accounts.seed import ensure_member
        from core.accounts.service import upsert_user
        from core.errors import DomainError

        db = current_session()
        try:
            user = upsert_user(db, email, password, platform_admin=platform_admin)
            if tenant:
                ensure_member(db, tenant, user, role)
        except DomainError as error:
            raise click.ClickException(error.message) from error
        db.commit()
        click.echo(_("{email}: done", email=user.email))

    @app.cli.command("worker")
    @click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
    def worker(burst: bool) -> None:
        """Run an rq worker (with the scheduler) for EST_REDIS_URL."""
        from core.jobs.worker import run_worker

        run_worker(current_app._get_current_object(), burst=burst)

    @app.cli.command("cron")
    def cron() -> None:
        """Run rq's cron scheduler: every few minutes it enqueues the cycle housekeeping of every tenant
        (open cycles, move them past the deadline, send reminders). Run one beside the workers."""
        from redis import Redis
        from rq.cron import CronScheduler

        from core.cycles.jobs import TICK_SECONDS, tick

        settings = _settings()
        if not settings.redis_url:
            raise click.ClickException(_("EST_REDIS_URL is not set; without Redis use `est cycles tick` from cron."))
        scheduler = CronScheduler(connection=Redis.from_url(settings.redis_url))
        scheduler.register(tick, queue_name=settings.queue_name, interval=TICK_SECONDS)
        scheduler.start()

    @cycles_group.command("tick")
    @click.option("--now", default=None, help="ISO 8601 moment to act as (default: now)")
    def cycles_tick(now: str | None) -> None:
        """Run the cycle housekeeping of every tenant once (what `est cron` schedules)."""
        from core.cycles.jobs import tick

        for job_id in tick(now):
            click.echo(job_id)

    @mail_group.command("list")
    def mail_list() -> None:
        """The local mailbox (<instance>/mail): what was delivered with no SMTP server configured, oldest first."""
        from core.mail.transport import read_local_mailbox

        for message in read_local_mailbox(_settings()):
            click.echo(f"{message['Date']}  {message['To']}  {message['Subject']}  {message['Message-ID']}")

    @mail_group.command("sweep")
    def mail_sweep() -> None:
        """Enqueue delivery for every tenant with messages due (what the cycle housekeeping does)."""
        from core.mail.trigger import sweep

        for tenant_id in sweep(current_app._get_current_object()):
            click.echo(tenant_id)

    @app.cli.command("demo")
    @click.option("--port", default=5000, show_default=True)
    @click.option("--no-serve", is_flag=True, help="Seed only.")
    def demo(port: int, no_serve: bool) -> None:
        """Upgrade the database, onboard the eight pilots, seed demo accounts and the last weeks' demo reports and
        published pictures (core.demo), and serve on 127.0.0.1."""
        from core.accounts.seed import seed_demo_accounts
        from core.migrate import upgrade
        from core.tenants.files import sync

        settings = _settings()
        if not settings.embedded:
            raise click.ClickException(_("`est demo` seeds demo accounts and runs only on the embedded database."))
        upgrade(settings)
        results = sync(Path(settings.tenants_dir), current_app.extensions["est.plugins"])
        seed_demo_accounts([slug for slug, _created in results], settings.demo_password)
        from core.db import utcnow
        from core.demo.seed import seed

        for seeded in seed([slug for slug, _created in results], utcnow()):
            message = _("{slug}: {reports} demo reports and {published} published pictures added",
                        slug=seeded.slug, reports=seeded.reports, published=seeded.published)  # fmt: skip
            click.echo(message)
        from core.cycles.jobs import TICK_SECONDS, tick
        from core.jobs.runner import fail_abandoned

        fail_abandoned(current_app._get_current_object())
        tick()  # open this and last period's cycles now
        if not settings.redis_url:  # embedded: no `est cron`, so keep the cycles going from here
            _every(TICK_SECONDS, tick, current_app._get_current_object())
        base = f"http://127.0.0.1:{port}"
        slugs = ", ".join(slug for slug, _created in results)
        click.echo(_("est runs with {count} municipalities: {slugs}", count=len(results), slugs=slugs))
        login, docs = base + "/login", base + "/api/v1/docs"
        click.echo(_("Log in: {login}   API documentation: {docs}", login=login, docs=docs))
        click.echo(_("Platform admin: admin@demo.est / password: {password}", password=settings.demo_password))
        click.echo(
            _(
                "Per municipality: {accounts}",
                accounts="admin@<kommun>.demo.est, samordnare@<kommun>.demo.est, rapportor@<kommun>.demo.est",
            )
        )
        if not no_serve:
            from core.serving import make_demo_server

            make_demo_server(current_app._get_current_object(), "127.0.0.1", port).serve_forever()

    @i18n_group.command("update")
    def i18n_update() -> None:
        """Bring both catalogues up to date with the code (new messages added, vanished ones dropped); then
        translate the empty sv entries."""
        from core.i18n.catalogue import update

        for locale, count in update().items():
            click.echo(_("{locale}: {count} untranslated", locale=locale, count=count))

    @i18n_group.command("check")
    def i18n_check() -> None:
        """Fail unless both catalogues hold every message of the code, translated, none fuzzy or stale."""
        from core.i18n.catalogue import check

        failed = False
        for locale, result in check().items():
            for kind in ("missing", "untranslated", "fuzzy", "stale"):
                for msgid in getattr(result, kind):
                    failed = True
                    click.echo(f"{locale} {kind}: {msgid}")
        if failed:
            raise click.ClickException(_("The catalogues are not complete."))

    app.cli.add_command(db_group)
    app.cli.add_command(tenants_group)
    app.cli.add_command(users_group)
    app.cli.add_command(cycles_group)
    app.cli.add_command(i18n_group)
    app.cli.add_command(mail_group)


def _every(seconds: int, task, app: Flask) -> None:
    """Run ``task`` every ``seconds`` in a daemon thread, in its own app context (the embedded scheduler)."""
    import logging
    import threading
    import time

    from core.redacted_log import redacted_trace

    def loop() -> None:
        while True:
            time.sleep(seconds)
            try:
                with app.app_context():
                    task()
            except Exception as error:
                message = "housekeeping failed; trying again in %s s\n%s"
                logging.getLogger(__name__).error(message, seconds, redacted_trace(error))

    threading.Thread(target=loop, name="est-housekeeping", daemon=True).start()


def _create_app() -> Flask:
    from core.app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False)
def main() -> None:
    """est — Effektiv samordning för trygghet."""
