"""The weekly report by email (stdlib `smtplib`): the HTML page as the body, a plain-text
summary beside it, and the PDF (or the HTML file) attached.

STARTTLS is on by default and verified against the system's CAs (or `ca_file`); a login is
used when the sink names the environment variables of a username and password. SMTP answers
4xx and lost connections are retryable; 5xx refusals and a failed login are not.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from kubedrift.errors import DeliveryError
from kubedrift.notifiers.base import required_env
from kubedrift.report.config import EmailReportSink
from kubedrift.report.document import WeeklyDocument
from kubedrift.report.i18n import Phrases


class EmailSender:
    def __init__(self, sink: EmailReportSink, locale: str, environ: Mapping[str, str]) -> None:
        self.name = sink.name
        self.sink, self.locale, self._environ = sink, locale, environ

    def compose(self, document: WeeklyDocument) -> EmailMessage:
        summary = document.summary(self.locale)
        attachment = document.attachment(self.locale)
        message = EmailMessage()
        message["Subject"] = f"{summary.title} · {summary.window}"
        message["From"] = self.sink.sender
        message["To"] = ", ".join(self.sink.to)
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=self.sink.sender.rsplit("@", 1)[1])
        text = summary.text()
        if link := document.link(self.locale):
            text += f"\n\n{Phrases(self.locale)('summary.link')}: {link}"
        message.set_content(text + f"\n\n{Phrases(self.locale)('summary.attached')}\n")
        message.add_alternative(document.html(self.locale), subtype="html")
        message.add_attachment(
            attachment.content,
            maintype=attachment.maintype,
            subtype=attachment.subtype,
            filename=attachment.filename,
        )
        return message

    def send(self, document: WeeklyDocument) -> None:
        message = self.compose(document)
        sink = f"email {self.name}"
        try:
            with smtplib.SMTP(self.sink.host, self.sink.port, timeout=self.sink.timeout) as smtp:
                smtp.ehlo()
                if self.sink.starttls:
                    context = ssl.create_default_context(cafile=self.sink.ca_file)
                    smtp.starttls(context=context)
                    smtp.ehlo()
                if self.sink.username_env is not None and self.sink.password_env is not None:
                    user = required_env(self._environ, self.sink.username_env, "login", self.name)
                    password = required_env(
                        self._environ, self.sink.password_env, "password", self.name
                    )
                    smtp.login(user, password)
                refused = smtp.send_message(message)
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(
                f"{sink}: login refused (SMTP {exc.smtp_code}); check username_env and "
                "password_env",
                retryable=False,
            ) from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = sorted({code for code, _ in exc.recipients.values()})
            raise DeliveryError(
                f"{sink}: every recipient refused ({', '.join(exc.recipients)}: SMTP {codes})",
                retryable=all(400 <= code < 500 for code in codes),
            ) from None
        except smtplib.SMTPResponseException as exc:
            error = exc.smtp_error
            said = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
            raise DeliveryError(
                f"{sink}: SMTP {exc.smtp_code} {said}".rstrip(),
                retryable=400 <= exc.smtp_code < 500,
            ) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise DeliveryError(f"{sink}: {exc} (turn starttls off?)", retryable=False) from None
        except ssl.SSLCertVerificationError as exc:
            raise DeliveryError(
                f"{sink}: the server's certificate is not trusted ({exc.verify_message}); "
                "set ca_file",
                retryable=False,
            ) from None
        except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
            raise DeliveryError(f"{sink}: {type(exc).__name__}: {exc}", retryable=True) from None
        if refused:
            # Some recipients took it: retrying would mail the others twice. Say who missed it.
            raise DeliveryError(
                f"{sink}: delivered, but refused for {', '.join(sorted(refused))}",
                retryable=False,
            )
