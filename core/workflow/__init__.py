"""One primitive for every stateful thing (cycles, lägesbilder, checklist versions, proposals; later the wheel's
problembilder and insatser).

* ``machines``: each state machine declared once — its states (an enum), its allowed transitions, its initial state.
* ``versioned``: ``revision`` is SQLAlchemy's ``version_id_col``: every UPDATE of a stateful row is
  ``… WHERE revision = :seen``, so a write based on a stale read is refused (412) however requests interleave.
* ``log``: one transition log for every subject.
* ``move``: check the transition is declared, ask the guards (``est_transition_guards``), apply, log, emit
  ``est_transitioned``.
"""
