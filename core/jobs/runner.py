"""Enqueue and run jobs; the rq side of :mod:`core.jobs`."""

from __future__ import annotations

import importlib
import logging
import os
import queue
import socket
import threading
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import column, func, select, update
from sqlalchemy.orm import Session

from core.db import app_session, utcnow
from core.errors import DomainError
from core.i18n import _, use_locale
from core.jobs.models import Job
from core.redacted_log import redacted_trace
from core.tenancy import platform_scope, set_connection_tenant, tenant_context
from core.tenants.models import Tenant

log = logging.getLogger(__name__)

JOB_TIMEOUT_SECONDS = 3600
_job_thread_lock = threading.Lock()
# Set by `est worker`: the app a worker process runs its jobs in.
worker_app: Flask | None = None


class JobContext:
    """What a running job gets besides its arguments: its id and a way to report progress."""

    def __init__(self, job_id: str, app: Flask) -> None:
        self.job_id = job_id
        self._app = app
        self.done = 0
        self.total: int | None = None

    def progress(self, done: int, total: int | None = None) -> None:
        """Record progress, visible at once through ``GET /api/v1/jobs/<id>`` (outside the job's transaction).

        On SQLite a second writer would wait for the job's own write transaction, so there progress is kept
        in memory and written when the job ends.
        """
        self.done, self.total = done, total if total is not None else self.total
        engine = self._app.extensions["est.engine"]
        if engine.dialect.name == "sqlite":
            return
        with engine.begin() as connection:
            set_connection_tenant(connection)
            connection.execute(update(Job).where(Job.id == self.job_id).values(done=self.done, total=self.total))


def _function_path(fn: Callable) -> str:
    if "<locals>" in fn.__qualname__:
        raise ValueError("a job function must be importable: define it at module level")
    return f"{fn.__module__}:{fn.__qualname__}"


def _resolve(path: str) -> Callable:
    module, _, name = path.partition(":")
    target: Any = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    return target


def enqueue(
    fn: Callable, *, tenant: int | None, created_by: int | None = None, background: bool = False, **arguments: Any
) -> str:
    """Record a job for ``fn(context, **arguments)`` as ``tenant`` and start it; returns the job id.

    Call it after committing your own work: the job runs in its own Session — on an rq worker when Redis is
    configured; else in-process, before this returns, or with ``background`` on this process's job thread (so that
    a request can answer at once).
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    job_id = str(uuid.uuid4())
    settings = app.config["EST"]
    in_process_later = background and not settings.redis_url
    with tenant_context(tenant), app.extensions["est.sessionmaker"]() as session:
        session.add(
            Job(
                id=job_id,
                tenant_id=tenant,
                created_by=created_by,
                function=_function_path(fn),
                arguments=arguments,
                owner=process_owner() if in_process_later else None,
            )
        )
        session.commit()
    if settings.redis_url:
        from redis import Redis
        from rq import Queue, Retry

        delays = list(settings.retry_delays)
        retry = Retry(max=len(delays), interval=delays) if delays else None
        queue = Queue(settings.queue_name, connection=Redis.from_url(settings.redis_url))
        # rq's retry budget is the enqueuer's setting: the job is told it, so that it knows its last attempt
        queue.enqueue(run_job, job_id, len(delays), job_id=job_id, job_timeout=JOB_TIMEOUT_SECONDS, retry=retry)
    elif in_process_later:
        _job_thread(app).put(job_id)
    else:
        run_job(job_id)
    return job_id


def _job_thread(app: Flask) -> queue.SimpleQueue[str]:
    """This process's queue of in-process background jobs, run one at a time by one daemon thread (started on first
    use). One thread, so that imports do not pile up CPU-heavy threads that hold the GIL against the requests; a
    daemon, so that it never keeps a stopping process alive — what it leaves behind is failed at the next start
    (see :func:`fail_abandoned`)."""
    with _job_thread_lock:
        jobs = app.extensions.get("est.job_queue")
        if jobs is None:
            jobs = app.extensions["est.job_queue"] = queue.SimpleQueue()
            threading.Thread(target=_run_queued, args=(app, jobs), name="est-jobs", daemon=True).start()
    return jobs


def _run_queued(app: Flask, jobs: queue.SimpleQueue[str]) -> None:
    while True:
        job_id = jobs.get()
        try:
            with app.app_context():
                run_job(job_id)
        except Exception as error:  # run_job records its failures; this keeps the thread alive for the next job
            log.error("in-process job %s\n%s", job_id, redacted_trace(error))


def job_app() -> Flask:
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if worker_app is None:
        raise RuntimeError("jobs run in an est app; start workers with `est worker`")
    return worker_app


def _describe(error: Exception) -> str:
    """What a failed job shows: the kind of error and, for est's own errors, their message — never raw exception
    text, which can carry submitted values or SQL parameters (the log has the traceback)."""
    if isinstance(error, DomainError):
        return f"{type(error).__name__}: {error.message}"
    return type(error).__name__


def job_tenant(session: Session, job_id: str) -> tuple[int | None] | None:
    """``(tenant id,)`` of a job (``(None,)`` for a platform job), ``None`` when there is no such job: what lets a
    job be read inside its tenant's wall. On PostgreSQL through ``est_job_tenant``, which needs the job's random id."""
    if session.get_bind().dialect.name == "postgresql":
        found = func.est_job_tenant(job_id).table_valued(column("tenant_id"))
        return session.execute(select(found.c.tenant_id)).first()
    with platform_scope("the tenant of a job, found by its id"):
        return session.execute(select(Job.tenant_id).where(Job.id == job_id)).first()


def run_job(job_id: str, retries: int | None = None) -> Any:
    """Run a recorded job in its own app context and Session, as its tenant. Safe to run again.

    A job ends ``finished``, or ``failed`` for good: when its error is est's own (a ``DomainError``: the input is
    wrong, running it again gives the same answer, so rq is not asked to retry), in-process, or on rq's last attempt
    (``retries``: the further attempts rq was given when the job was queued; ``None``: this process's setting).
    Then the function's ``discard`` (if it has one) is called with the job's arguments, to delete what the job kept
    for itself (an import's upload). An error rq will retry leaves the job ``queued``, its input kept."""
    app = job_app()
    in_worker = bool(app.config["EST"].redis_url)
    if retries is None:
        retries = len(app.config["EST"].retry_delays)
    with app.app_context():
        # Its own Session: the job's runs as the job's tenant from its first transaction on.
        with app.extensions["est.sessionmaker"]() as session:
            found = job_tenant(session, job_id)
        if found is None:
            raise LookupError(f"no job {job_id}")
        with tenant_context(found[0]):
            return _run(app, job_id, in_worker, retries)


def _run(app: Flask, job_id: str, in_worker: bool, retries: int) -> Any:
    """Run the job, as its tenant already set; a failure is recorded (and raised again when rq will retry it)."""
    db = app_session()
    job = db.get(Job, job_id)
    if job.status in ("finished", "failed"):
        return job.result
    job.status, job.started_at, job.attempts, job.error = "started", utcnow(), job.attempts + 1, None
    job.owner = process_owner()
    db.commit()
    context = JobContext(job_id, app)
    function = _resolve(job.function)
    try:
        with _creators_language(db, job.created_by):
            result = function(context, **job.arguments)
        job = db.get(Job, job_id)
        job.status, job.result, job.finished_at = "finished", result, utcnow()
        job.done, job.total = context.done, context.total
        db.commit()
        return result
    except Exception as error:
        db.rollback()
        log.error("job %s failed\n%s", job_id, redacted_trace(error))
        job = db.get(Job, job_id)
        if job is None:  # deleted meanwhile (with its tenant): nothing to record, nothing to run again
            log.warning("job %s failed and its row is gone", job_id)
            return None
        retried = in_worker and job.attempts <= retries and not isinstance(error, DomainError)
        job.status, job.error = ("queued" if retried else "failed"), _describe(error)
        if retried:
            job.owner = None  # waiting for rq again, in no process
        job.finished_at, job.done, job.total = utcnow(), context.done, context.total
        db.commit()
        if retried:
            raise
        _discard(function, job.arguments)
        return None


def _creators_language(db: Session, user_id: int | None) -> AbstractContextManager:
    """A job's messages (an import's row errors) are written in its creator's own language when they chose one;
    else as any text outside a request (or in the request's language, when it runs within one)."""
    from core.accounts.models import User

    locale = db.scalar(select(User.locale).where(User.id == user_id)) if user_id is not None else None
    return use_locale(locale) if locale else nullcontext()


def _discard(function: Callable, arguments: dict) -> None:
    """Call the function's ``discard`` (if it has one), as the job's tenant, to delete what the job kept."""
    discard = getattr(function, "discard", None)
    if discard is not None:
        discard(**arguments)


def fail_abandoned(app: Flask) -> list[str]:
    """Fail the jobs a dead process left ``queued`` or ``started`` and discard what they kept; returns their ids.

    Called at start-up by ``est worker``, ``est demo`` and the WSGI app. A job is abandoned when its owner (see
    ``Job.owner``) is a process on this host that no longer runs, or when it started longer ago than any job may run
    (:data:`JOB_TIMEOUT_SECONDS`; rq kills it then), wherever it ran. Jobs of live processes, and rq jobs still
    waiting for a worker (no owner), are left alone, so several processes may sweep at once. The sweep visits the
    platform's jobs and then each tenant's, inside that tenant's wall (jobs are under row-level security)."""
    with app.app_context():
        tenant_ids = list(app_session().scalars(select(Tenant.id).order_by(Tenant.id)))
    abandoned = []
    for tenant_id in (None, *tenant_ids):
        with tenant_context(tenant_id), app.app_context():
            abandoned += _fail_abandoned_of(app_session(), tenant_id)
    return abandoned


def _fail_abandoned_of(db: Session, tenant_id: int | None) -> list[str]:
    # jobs are a platform table to the ORM (a job may have no tenant): name the tenant; RLS holds on PostgreSQL
    candidates = db.scalars(
        select(Job).where(
            Job.tenant_id.is_not_distinct_from(tenant_id),
            Job.status.in_(("queued", "started")),
            Job.owner.is_not(None),
        )
    )
    jobs = [job for job in candidates if _is_abandoned(job)]
    for job in jobs:
        job.status, job.finished_at = "failed", utcnow()
        job.error = _("Aborted: the process that ran the job stopped. Try again.")
    db.commit()
    for job in jobs:
        log.warning("job %s was abandoned by a dead process: failed", job.id)
        _discard(_resolve(job.function), job.arguments)
    return [job.id for job in jobs]


def process_owner() -> str:
    """This process, as a job's row records it (asked each time: a forked rq work horse has its own pid)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _is_abandoned(job: Job) -> bool:
    if job.started_at is not None and utcnow() - job.started_at > timedelta(seconds=JOB_TIMEOUT_SECONDS):
        return True
    return process_gone(job.owner or "")


def process_gone(owner: str) -> bool:
    """Whether ``owner`` (see :func:`process_owner`) is a process on this host that no longer runs."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's live process
        return False
    return _is_zombie(int(pid))


def _is_zombie(pid: int) -> bool:
    """A killed process whose parent died too stays a zombie until something reaps it (in a container, maybe
    nothing does): it runs no more."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]
