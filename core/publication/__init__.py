"""Distributing a published lägesbild: one outbox row per (picture version, recipient), in the version each
recipient's audience gets; reporters' one-click opt-out; the delivery log of a picture.

* **When.** :func:`core.lagesbild.service.publish` notes the picture on its Session (:mod:`.trigger`); once that
  transaction commits, a ``distribute`` job (:mod:`.jobs`) renders the picture and queues its messages, so a
  publication that rolls back sends nothing and rendering never holds up the publishing transaction.
* **Who gets what.** Every active distribution list of the tenant: an internal list the internal version (HTML
  body, plain-text alternative, the PDF attached), a public list the public one. The reporters of the period get
  the public version as their feedback, unless they opted out. An address reached several ways gets one message,
  the most detailed version it is entitled to.
* **Once.** A row's key is ``lagesbild:<picture id>:<hash of the address>``: queuing again (a retried job, a
  second publish) adds nothing, and delivery (:mod:`core.mail`) sends each row once.
"""
