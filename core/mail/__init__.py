"""Delivery of the outbox: every ``OutboxMessage`` reaches its one recipient exactly once, or fails visibly.

* **Queuing.** Whatever tells someone something writes one outbox row per (subject, recipient); the row's unique
  ``key`` makes queuing idempotent. When a transaction that added rows commits, a delivery job is enqueued for
  their tenant (:mod:`core.mail.trigger`); the cycle housekeeping sweeps up rows that are due again (a retry) or
  whose sender died (an expired lease, or the lease of a process on this host that no longer runs).
* **Sending** (:mod:`core.mail.delivery`, a job run as the tenant, inside its row-level security). A sender claims
  a batch of due rows with a lease (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two workers never take one row;
  on SQLite one sender per process), sends one message per row over one SMTP connection with a Message-ID fixed by
  the row (``<est.<tenant id>.<row id>.<hash of key and creation time>@<domain of EST_MAIL_FROM>>``), and commits
  the server's reply at once. A 2xx reply marks the row ``sent``; a 4xx reply (or no answer) ``retrying`` with
  exponential backoff; a 5xx reply ``failed`` for good, reply kept.
* **The one duplicate window.** A sender that dies after the server accepted a message and before the row's update
  is committed leaves the row leased and unsent; after the lease, the message is sent again — the same message,
  with the same Message-ID, so the receiving side (and anyone reading the mailbox) can recognise the copy. The
  window is one local ``UPDATE … COMMIT`` long. Nothing else can send a row twice, and no row is lost.
* **Where to.** ``EST_SMTP_HOST`` (with ``EST_SMTP_PORT``, ``EST_SMTP_TLS``, ``EST_SMTP_USER``,
  ``EST_SMTP_PASSWORD``) from ``EST_MAIL_FROM``, under the tenant's display name; with no host, the local maildir
  ``<instance>/mail`` (``est mail list`` shows it), so the embedded default shows the whole loop.
"""
