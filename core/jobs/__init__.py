"""Jobs: long work (imports, compilation, PDF, sending) runs here, with the tenant passed explicitly.

``enqueue(fn, tenant=…, **kwargs)`` records a job and runs it — on an rq worker when ``EST_REDIS_URL`` is set,
otherwise in-process before returning. Either way the job runs in its own app context and Session, with the
tenant context restored from the job row. Job functions take a :class:`JobContext` first and must be
idempotent: running one again after a crash neither loses nor duplicates an effect.
"""

from core.jobs.runner import JobContext, enqueue

__all__ = ["JobContext", "enqueue"]
