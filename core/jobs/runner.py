"""Enqueue and run jobs; the rq side of :mod:`core.jobs`."""

from __future__ import annotations

import importlib
import logging
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import update

from core.db import app_session, utcnow
from core.jobs.models import Job
from core.redacted_log import redacted_trace
from core.tenancy import tenant_context

log = logging.getLogger(__name__)

JOB_TIMEOUT_SECONDS = 3600
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


def enqueue(fn: Callable, *, tenant: int | None, created_by: int | None = None, **arguments: Any) -> str:
    """Record a job for ``fn(context, **arguments)`` as ``tenant`` and start it; returns the job id.

    Call it after committing your own work: the job runs in its own Session (in-process, before this
    returns, when no Redis is configured).
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    job_id = str(uuid.uuid4())
    with app.extensions["est.sessionmaker"]() as session:
        session.add(
            Job(id=job_id, tenant_id=tenant, created_by=created_by, function=_function_path(fn), arguments=arguments)
        )
        session.commit()
    settings = app.config["EST"]
    if settings.redis_url:
        from redis import Redis
        from rq import Queue, Retry

        queue = Queue(settings.queue_name, connection=Redis.from_url(settings.redis_url))
        queue.enqueue(
            run_job, job_id, job_id=job_id, job_timeout=JOB_TIMEOUT_SECONDS, retry=Retry(max=2, interval=[5, 30])
        )
    else:
        run_job(job_id)
    return job_id


def job_app() -> Flask:
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if worker_app is None:
        raise RuntimeError("jobs run in an est app; start workers with `est worker`")
    return worker_app


def _describe(error: Exception) -> str:
    """What a failed job shows: the kind of error and, for est's own errors, their message — never raw exception
    text, which can carry submitted values or SQL parameters (the log has the traceback)."""
    from core.errors import DomainError

    if isinstance(error, DomainError):
        return f"{type(error).__name__}: {error.message}"
    return type(error).__name__


def run_job(job_id: str) -> Any:
    """Run a recorded job in its own app context and Session, as its tenant. Safe to run again."""
    app = job_app()
    in_worker = bool(app.config["EST"].redis_url)
    with app.app_context():
        db = app_session()
        job = db.get(Job, job_id)
        if job is None:
            raise LookupError(f"no job {job_id}")
        if job.status == "finished":
            return job.result
        job.status, job.started_at, job.attempts, job.error = "started", utcnow(), job.attempts + 1, None
        db.commit()
        context = JobContext(job_id, app)
        try:
            with tenant_context(job.tenant_id, db) if job.tenant_id is not None else nullcontext():
                result = _resolve(job.function)(context, **job.arguments)
                job = db.get(Job, job_id)
                job.status, job.result, job.finished_at = "finished", result, utcnow()
                job.done, job.total = context.done, context.total
                db.commit()
            return result
        except Exception as error:
            db.rollback()
            log.error("job %s failed\n%s", job_id, redacted_trace(error))
            job = db.get(Job, job_id)
            job.status, job.error, job.finished_at = "failed", _describe(error), utcnow()
            job.done, job.total = context.done, context.total
            db.commit()
            if in_worker:
                raise
            return None
