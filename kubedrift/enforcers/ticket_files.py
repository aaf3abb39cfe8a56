"""The Markdown file sink of the upgrade-ticket enforcer: a directory, one file per ticket.

For teams without an issue tracker, or to review tickets in git: open tickets sit in the
directory, closed ones move to `closed/`, so `ls` shows what is pending. Comments (why a
ticket was closed) go to a file of the same name in `comments/`, so the ticket's own text
stays what kubedrift compares on the next run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kubedrift.enforcers.base import slug
from kubedrift.enforcers.issues import Issue
from kubedrift.errors import DeliveryError


@contextmanager
def _on_disk(directory: Path) -> Iterator[None]:
    """A file system error as a delivery error of that ticket (the run goes on)."""
    try:
        yield
    except OSError as exc:
        where = exc.filename or directory
        why = exc.strerror or type(exc).__name__
        raise DeliveryError(f"ticket files: {where}: {why}", retryable=False) from exc


class FileSink:
    """One Markdown file per ticket key in `directory`; closed tickets move to `closed/`.

    The file name is the key made safe for a path, so the key finds its file without an
    index; the first line records the key itself, for a reader and for `find`.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _paths(self, key: str) -> tuple[Path, Path]:
        name = slug(key.replace("|", "--")) + ".md"
        return self.directory / name, self.directory / "closed" / name

    def prepare(self, body: str) -> str:
        return body

    def _read(self, path: Path, is_open: bool) -> Issue:
        text = path.read_text(encoding="utf-8")
        _marker, _, rest = text.partition("\n")
        title_line, _, body = rest.partition("\n\n")
        return Issue(path.name, path.as_uri(), title_line.removeprefix("# "), body, is_open)

    def _write(self, path: Path, key: str, title: str, body: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = f"<!-- kubedrift-ticket: {key} -->\n# {title}\n\n{body}"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)  # a reader never sees half a ticket

    def find(self, key: str) -> Issue | None:
        with _on_disk(self.directory):
            live, closed = self._paths(key)
            if live.exists():
                return self._read(live, True)
            return self._read(closed, False) if closed.exists() else None

    def create(self, key: str, title: str, body: str) -> Issue:
        with _on_disk(self.directory):
            live, _ = self._paths(key)
            self._write(live, key, title, body)
            return self._read(live, True)

    def _key_of(self, issue: Issue) -> str:
        folder = self.directory if issue.open else self.directory / "closed"
        first = (folder / issue.id).read_text(encoding="utf-8").split("\n", 1)[0]
        return first.removeprefix("<!-- kubedrift-ticket: ").removesuffix(" -->")

    def update(self, issue: Issue, title: str, body: str) -> Issue:
        with _on_disk(self.directory):
            key = self._key_of(issue)
            live, closed = self._paths(key)
            path = live if issue.open else closed
            self._write(path, key, title, body)
            return self._read(path, issue.open)

    def comment(self, issue: Issue, text: str) -> None:
        with _on_disk(self.directory):
            log = self.directory / "comments" / issue.id
            log.parent.mkdir(parents=True, exist_ok=True)
            with log.open("a", encoding="utf-8") as out:
                out.write(f"{text.rstrip()}\n\n")

    def set_open(self, issue: Issue, is_open: bool) -> Issue:
        with _on_disk(self.directory):
            live, closed = self._paths(self._key_of(issue))
            source, target = (closed, live) if is_open else (live, closed)
            target.parent.mkdir(parents=True, exist_ok=True)
            source.replace(target)
            return self._read(target, is_open)
