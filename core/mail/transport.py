"""Where messages go: an SMTP server (``EST_SMTP_*``), or with none configured the local maildir."""

from __future__ import annotations

import email
import mailbox
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Protocol

from config.settings import Settings

TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class Reply:
    """The server's answer to one message; ``code`` is ``None`` when there was no answer (no connection)."""

    code: int | None
    text: str

    @property
    def accepted(self) -> bool:
        return self.code is not None and 200 <= self.code < 300

    @property
    def permanent(self) -> bool:
        """A 5xx reply: trying again gives the same answer."""
        return self.code is not None and self.code >= 500


class Transport(Protocol):
    def send(self, sender: str, recipient: str, data: bytes) -> Reply: ...

    def close(self) -> None: ...


class SmtpTransport:
    """One connection, reused for every message of a batch; one transaction (MAIL, RCPT, DATA) per recipient, so
    that the reply to each recipient is known (``smtplib.sendmail`` hides refused recipients behind one success)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        port = s.smtp_port or (465 if s.smtp_tls == "tls" else 25)
        if s.smtp_tls == "tls":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                s.smtp_host, port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
            )
        else:
            connection = smtplib.SMTP(s.smtp_host, port, timeout=TIMEOUT_SECONDS)
        connection.ehlo()
        if s.smtp_tls == "starttls":
            connection.starttls(context=ssl.create_default_context())
            connection.ehlo()
        if s.smtp_user:
            connection.login(s.smtp_user, s.smtp_password)
        return connection

    def send(self, sender: str, recipient: str, data: bytes) -> Reply:
        try:
            if self._connection is None:
                self._connection = self._connect()
            connection = self._connection
            code, text = connection.mail(sender)
            if code == 250:
                code, text = connection.rcpt(recipient)
            if code not in (250, 251):
                connection.rset()
                return _reply(code, text)
            return _reply(*connection.data(data))
        except smtplib.SMTPResponseException as error:  # DATA refused before the message, or a refused login
            self.close()
            return _reply(error.smtp_code, error.smtp_error)
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            return Reply(None, f"Ingen förbindelse med e-postservern ({type(error).__name__}).")

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.quit()
            except (smtplib.SMTPException, OSError):
                connection.close()


def _reply(code: int, text: bytes | str) -> Reply:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return Reply(code, f"{code} {text}"[:500])


class MaildirTransport:
    """The embedded default's mailbox: a maildir under the instance folder (each message written, then renamed
    into place, so a reader never sees half of one)."""

    def __init__(self, path: Path) -> None:
        self.box = mailbox.Maildir(path, create=True)

    def send(self, sender: str, recipient: str, data: bytes) -> Reply:
        key = self.box.add(data)
        return Reply(250, f"250 levererat till den lokala brevlådan ({key})")

    def close(self) -> None:
        pass


def local_mailbox(settings: Settings) -> Path:
    return Path(settings.instance_path) / "mail"


def read_local_mailbox(settings: Settings) -> list[EmailMessage]:
    """The messages in the local mailbox, oldest first."""
    path = local_mailbox(settings)
    if not path.exists():
        return []
    box = mailbox.Maildir(path, factory=None, create=False)
    messages = [email.message_from_binary_file(box.get_file(key), policy=default) for key in box.keys()]
    return sorted(messages, key=lambda message: message["Date"].datetime)


def transport_for(settings: Settings) -> Transport:
    return SmtpTransport(settings) if settings.smtp_host else MaildirTransport(local_mailbox(settings))
