"""A working clone of the infrastructure repository, driven through the real `git` binary.

Each proposal starts from the remote's base branch (never from a previous proposal), so a
branch always holds exactly one step. A branch is pushed only when its tree differs from what
the remote already has: running the same proposal twice pushes nothing the second time.
Branches under the configured prefix are kubedrift's own, so a changed proposal replaces the
branch with a force push; the base branch is never pushed to.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kubedrift.errors import DeliveryError


@dataclass(frozen=True)
class Author:
    name: str = "kubedrift"
    email: str = "kubedrift@localhost"


@dataclass
class GitRepo:
    """`remote` (URL or path) cloned into `workdir`; `base` is the branch proposals start from."""

    remote: str
    workdir: Path
    base: str = "main"
    author: Author = field(default_factory=Author)
    timeout: float = 120.0

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "GIT_TERMINAL_PROMPT": "0",  # never hang on a credential prompt
            "GIT_AUTHOR_NAME": self.author.name,
            "GIT_AUTHOR_EMAIL": self.author.email,
            "GIT_COMMITTER_NAME": self.author.name,
            "GIT_COMMITTER_EMAIL": self.author.email,
        }
        try:
            # git from PATH, an argument list kubedrift builds, no shell.
            done = subprocess.run(  # nosec B603 B607
                ["git", *args],
                cwd=self.workdir,
                env=env,
                capture_output=True,
                text=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise DeliveryError(f"git {args[0]} timed out", retryable=True) from exc
        if check and done.returncode != 0:
            # stderr of a failed push/fetch can echo the remote URL: keep only the first line,
            # and the remote is configured without credentials (they come from the helper).
            first = (done.stderr.strip().splitlines() or ["no output"])[0]
            raise DeliveryError(f"git {args[0]} failed: {first}", retryable=args[0] in _NET)
        return done

    def prepare(self, branch: str) -> None:
        """A clean work tree on a new local `branch` at the remote's base branch."""
        if not (self.workdir / ".git").is_dir():
            self.workdir.mkdir(parents=True, exist_ok=True)
            self.git("init", "--quiet")
            self.git("remote", "add", "origin", self.remote)
        self.git("fetch", "--quiet", "--prune", "origin")
        self.git("checkout", "--quiet", "--force", "-B", branch, f"origin/{self.base}")
        self.git("clean", "--quiet", "-fdx")

    def changed(self) -> bool:
        return bool(self.git("status", "--porcelain").stdout.strip())

    def commit(self, paths: Sequence[Path], message: str) -> str:
        self.git("add", "--", *(str(p) for p in paths))
        self.git("commit", "--quiet", "-m", message)
        return self.git("rev-parse", "HEAD").stdout.strip()

    def remote_tree(self, branch: str) -> str | None:
        """The tree the remote's `branch` holds, None when there is no such branch."""
        ref = f"refs/remotes/origin/{branch}"
        done = self.git("rev-parse", "--verify", "--quiet", f"{ref}^{{tree}}", check=False)
        return done.stdout.strip() or None

    def head_tree(self) -> str:
        return self.git("rev-parse", "HEAD^{tree}").stdout.strip()

    def diff_to_base(self) -> str:
        return self.git("diff", f"origin/{self.base}", "HEAD").stdout

    def push(self, branch: str) -> None:
        if branch == self.base:
            raise DeliveryError(f"refusing to push to the base branch {branch!r}", retryable=False)
        self.git("push", "--quiet", "--force", "origin", f"HEAD:refs/heads/{branch}")


_NET = frozenset({"fetch", "push"})
