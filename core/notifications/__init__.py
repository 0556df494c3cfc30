"""Telling people things: in-app notifications and e-mail, queued behind one interface.

``notify(membership, kind, key, subject, body)`` records an in-app notification and queues an e-mail in the
outbox — once per ``key`` (a re-run job never notifies twice). Delivery of the outbox over SMTP comes with the
distribution of lägesbilder; until then messages wait there, visible to operators.
"""
