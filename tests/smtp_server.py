"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1): it records what it accepts and answers chosen
recipients with the replies a test plans (``451 …``, ``550 …``); it can hold one message's DATA reply until the
test lets it go (to kill a sender at a known point of its conversation)."""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from aiosmtpd.controller import Controller


class Mailbox:
    """The aiosmtpd handler and what it received: ``messages`` as (recipient, Message-ID) pairs."""

    def __init__(self) -> None:
        self.port = 0
        self.messages: list[tuple[str, str]] = []
        self.raw: list[bytes] = []
        # recipient -> replies to give to RCPT, in turn (then 250)
        self.planned: dict[str, list[str]] = {}
        self.hold_at: int | None = None  # the DATA of the message after this many accepted ones is held
        self.holding = threading.Event()
        self.released = threading.Event()
        self._lock = threading.Lock()

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook names)
        self, server, session, envelope, address: str, rcpt_options
    ) -> str:
        planned = self.planned.get(address)
        if planned:
            return planned.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802
        self, server, session, envelope
    ) -> str:
        if self.hold_at is not None and len(self.messages) == self.hold_at and not self.holding.is_set():
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.released.wait)
            return "421 Stängs"  # never accepted: the sender was killed while it waited for this reply
        message = email.message_from_bytes(envelope.content)
        with self._lock:
            for recipient in envelope.rcpt_tos:
                self.messages.append((recipient, message["Message-ID"]))
            self.raw.append(envelope.content)
        return f"250 2.0.0 Ok: queued as {len(self.messages)}"

    def message_ids(self) -> Counter[str]:
        with self._lock:
            return Counter(message_id for _recipient, message_id in self.messages)

    def recipients(self) -> Counter[str]:
        with self._lock:
            return Counter(recipient for recipient, _message_id in self.messages)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    mailbox = Mailbox()
    mailbox.port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        mailbox.released.set()
        controller.stop()
