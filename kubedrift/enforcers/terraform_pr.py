"""The Terraform PR enforcer: the next upgrade step, as a pull request against the IaC repo.

For one `ChangeRequest` (`propose_step`): start a branch from the remote's base, find the
literal that pins the component (`hcl_edit`), splice in the step's version, `terraform fmt`
(and `validate` when asked), commit, push only if the remote branch differs, and open or
update the one pull / merge request of that branch. The branch is named from the change's
key (cluster and component), so repeated runs, later steps and a moved target of the same
drift reuse it. New pull requests are capped per run; updates are not.

`propose(drift)` proposes the next step of a drifted cluster's path and closes, with a
comment, the cluster's other open pull requests (a step of another component that is no
longer next); `resolve(drift)` closes every open pull request of a cluster that reached its
target. Nothing here can apply: `terraform.Terraform` refuses every sub-command but
fmt / validate / init / version, and `plan` / `show` for the optional plan summary
(`tf_plan.py`), which never write to the infrastructure or the state.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from kubedrift.enforcers.base import (
    ChangeRef,
    ChangeRequest,
    ClusterDrift,
    EnforcerConfig,
    Proposal,
    ProposalKind,
    cluster_branch,
    upgrade_worthy,
)
from kubedrift.enforcers.comments import resolved_note, superseded_note
from kubedrift.enforcers.forges import Forge, ForgeType, PullRequest, make_forge
from kubedrift.enforcers.git_repo import Author, GitRepo
from kubedrift.enforcers.hcl_edit import Located, locate, splice, verify
from kubedrift.enforcers.hcl_tree import HclEditError, Workspace
from kubedrift.enforcers.pr_text import key_of, pr_text, render_version, trailer
from kubedrift.enforcers.terraform import Terraform
from kubedrift.enforcers.tf_plan import PlanSettings, plan_summary
from kubedrift.env_names import EnvName
from kubedrift.errors import ConfigurationError
from kubedrift.model.inventory import ClusterRef, Platform
from kubedrift.notifiers.base import Locale

log = logging.getLogger(__name__)


class RootConfig(BaseModel):
    """A Terraform root module in the repository and the var files its runs pass."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str = Field(default=".", description="the root module's folder in the repository")
    var_files: list[str] = Field(
        default_factory=list, description="`.tfvars` files its runs pass, relative to `path`"
    )


class ForgeConfig(BaseModel):
    """Where pull (merge) requests are opened."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: ForgeType = Field(description="the forge's REST API")
    project: str = Field(
        min_length=1, description="GitHub `owner/name`; GitLab project id or `group/name`"
    )
    token_env: EnvName = Field(
        min_length=1, description="environment variable holding the token (never the token)"
    )
    api: str | None = Field(
        default=None, description="API base URL (GitHub Enterprise, self-managed GitLab)"
    )


class TerraformPrConfig(EnforcerConfig):
    repo: str = Field(min_length=1, description="the IaC repository's remote: URL or path")
    workdir: Path = Field(
        description="the clone kubedrift works in (its own; reset on every proposal)"
    )
    base: str = Field(default="main", description="the branch pull requests target")
    roots: list[RootConfig] = Field(
        default_factory=lambda: [RootConfig()], description="Terraform root modules to search"
    )
    mapping: dict[str, str] = Field(
        default_factory=dict,
        description='cluster key or name (or "<key>|<component>") -> resource address, e.g. '
        '"module.payments.aws_eks_cluster.this"; unmapped resources are matched by name',
    )
    branch_prefix: str = Field(default="kubedrift", description="first part of branch names")
    forge: ForgeConfig | None = Field(
        default=None, description="where to open pull requests; without it, branches only"
    )
    terraform_bin: str = Field(default="terraform", description="the terraform executable")
    fmt: bool = Field(default=True, description="run `terraform fmt` on edited files")
    validate_config: bool = Field(
        default=False,
        alias="validate",
        description="run `terraform validate` (needs the providers: a mirror or the registry)",
    )
    author_name: str = Field(default="kubedrift", description="commit author name")
    author_email: str = Field(default="kubedrift@localhost", description="commit author e-mail")
    locale: Locale = Field(
        default="en", description="language of the comments left on pull requests it closes"
    )
    plan: PlanSettings | None = Field(
        default=None,
        description="the backend of a `terraform plan` summarised in the pull request; no "
        "plan without it",
    )


class TerraformPrEnforcer:
    Config: ClassVar[type[EnforcerConfig]] = TerraformPrConfig
    kind: ClassVar[ProposalKind] = "pull_request"

    def __init__(
        self,
        config: TerraformPrConfig,
        *,
        terraform: Terraform | None = None,
        forge: Forge | None = None,
    ) -> None:
        self.config = config
        self.terraform = terraform or Terraform(config.terraform_bin)
        self.repo = GitRepo(
            config.repo,
            config.workdir,
            config.base,
            Author(config.author_name, config.author_email),
        )
        self.forge = forge if forge is not None else _forge(config.forge)
        self.opened_this_run = 0

    def new_run(self) -> None:
        self.opened_this_run = 0

    def propose(self, drift: ClusterDrift) -> Proposal:
        """The next step of the drifted cluster's path as a pull request; see the module doc."""
        cluster = drift.cluster
        if drift.path is None:
            return Proposal(key=cluster.key, kind="pull_request", status="skipped")
        if cluster.platform != Platform.KUBERNETES:
            why = f"no Terraform resource for {cluster.platform} clusters: see the ticket"
            return Proposal(key=cluster.key, kind="pull_request", status="skipped", detail=why)
        worthy = [f for f in drift.findings if upgrade_worthy(f)]
        change = ChangeRequest.next_step(cluster, drift.path, worthy[0].key if worthy else None)
        if change is None:
            why = "; ".join(drift.path.blocked_by) or "the next step is blocked or manual"
            return Proposal(key=cluster.key, kind="pull_request", status="skipped", detail=why)
        done = self.propose_step(change)
        if done.url is not None and done.branch is not None:
            self._supersede(change, done.branch, done.url)
        detail = done.diff if done.status == "dry_run" else done.message
        return Proposal(
            key=change.key, kind="pull_request", status=done.status, url=done.url, detail=detail
        )

    def resolve(self, drift: ClusterDrift) -> list[Proposal]:
        """Close, with a comment, every open pull request of a cluster at its target."""
        cluster = drift.cluster
        note = resolved_note(
            self.config.locale,
            "pull_request",
            name=cluster.name,
            key=cluster.key,
            target=str(drift.target),
        )
        return [self._close(pr, note) for pr in self._open_of(drift.cluster)]

    def _open_of(self, cluster: ClusterRef) -> list[PullRequest]:
        if self.forge is None:
            return []
        return self.forge.open_under(f"{self.config.branch_prefix}/{cluster_branch(cluster)}/")

    def _supersede(self, change: ChangeRequest, branch: str, url: str) -> None:
        cluster = change.cluster
        for pr in self._open_of(cluster):
            if pr.branch == branch:
                continue
            note = superseded_note(
                self.config.locale,
                "pull_request",
                name=cluster.name,
                key=cluster.key,
                component=change.component,
                url=url,
            )
            self._close(pr, note)

    def _close(self, pr: PullRequest, note: str) -> Proposal:
        key = key_of(pr.body) or pr.branch
        if self.config.dry_run or self.forge is None:
            return Proposal(key=key, kind="pull_request", status="dry_run", url=pr.url, detail=note)
        self.forge.comment(pr, note)
        self.forge.close(pr)
        log.info("pull request closed", extra={"branch": pr.branch, "number": pr.number})
        return Proposal(key=key, kind="pull_request", status="closed", url=pr.url)

    def propose_step(self, change: ChangeRequest) -> ChangeRef:
        """Open or update the pull request proposing `change`; idempotent on `change.key`."""
        branch = f"{self.config.branch_prefix}/{change.branch_suffix}"
        self.repo.prepare(branch)
        root, located, address = self._locate(change)
        value = render_version(change.cluster.provider, change.component, change.step.to_version)
        ref = ChangeRef(key=change.key, status="in_sync", branch=branch)
        if located.site.value == value:
            return ref.model_copy(update={"message": f"{located.address} already at {value}"})
        self._edit(change, root, located, value, address)
        plan = self._plan(root)
        if self.config.dry_run:
            diff = self.repo.git("diff").stdout
            diff += f"\n{plan}\n" if plan else ""
            return ref.model_copy(update={"status": "dry_run", "diff": diff})
        title, body = pr_text(change, located, value, plan)
        commit = self.repo.commit([located.site.path], f"{title}\n\n{trailer(change)}")
        diff = self.repo.diff_to_base()
        ref = ref.model_copy(update={"commit": commit, "diff": diff})
        pushed_same = self.repo.remote_tree(branch) == self.repo.head_tree()
        existing = self.forge.find(branch) if self.forge else None
        # Without a forge the branch itself is the proposal: new when the remote lacks it.
        no_branch = self.repo.remote_tree(branch) is None
        is_new = existing is None and (self.forge is not None or no_branch)
        if is_new and self.opened_this_run >= self.config.max_new_per_run:
            log.info("proposal deferred: per-run cap", extra={"cluster": change.cluster.key})
            return ref.model_copy(update={"status": "deferred", "message": "per-run cap reached"})
        if not pushed_same:
            self.repo.push(branch)
        if self.forge is None:
            status = "opened" if is_new else ("unchanged" if pushed_same else "updated")
            self.opened_this_run += status == "opened"
            return ref.model_copy(update={"status": status})
        if existing is None:
            pr = self.forge.create(branch, self.config.base, title, body)
            self.opened_this_run += 1
            status = "opened"
        elif pushed_same and (existing.title, existing.body) == (title, body):
            pr, status = existing, "unchanged"
        else:
            pr, status = self.forge.update(existing, title, body), "updated"
        return ref.model_copy(update={"status": status, "url": pr.url, "number": pr.number})

    def _plan(self, ws: Workspace) -> str | None:
        """The plan summary of the edited root, when the settings give a backend."""
        if self.config.plan is None:
            return None
        root = next(
            (r for r in self.config.roots if (self.repo.workdir / r.path).resolve() == ws.root),
            RootConfig(),
        )
        var_files = [Path(v) for v in root.var_files]
        return plan_summary(self.terraform, ws.root, self.config.plan, var_files)

    def _locate(self, change: ChangeRequest) -> tuple[Workspace, Located, str | None]:
        cluster = change.cluster
        names = {cluster.name, cluster.id}
        mapping = self.config.mapping
        address = mapping.get(f"{cluster.key}|{change.component}") or mapping.get(
            cluster.key, mapping.get(cluster.name)
        )
        hits: list[tuple[Workspace, Located]] = []
        misses: list[str] = []
        for root in self.config.roots:
            directory = self.repo.workdir / root.path
            ws = Workspace(directory, var_files=[Path(v) for v in root.var_files])
            try:
                found = locate(ws, cluster.provider, names, change.component, address=address)
                hits.append((ws, found))
            except HclEditError as exc:
                misses.append(f"{root.path}: {exc}")
        if len(hits) != 1:
            why = f"{len(hits)} roots match" if hits else "; ".join(misses)
            raise HclEditError(f"{cluster.key} {change.component}: {why}")
        return (*hits[0], address)

    def _edit(
        self,
        change: ChangeRequest,
        ws: Workspace,
        located: Located,
        value: str,
        address: str | None,
    ) -> None:
        edit = splice(ws, located, value)
        names = {change.cluster.name, change.cluster.id}
        verify(ws, edit, change.cluster.provider, names, change.component, address=address)
        # Format only a file that was formatted before: fmt on an untidy file would bury the
        # one-line change under unrelated whitespace changes.
        tidy = self.config.fmt and self.terraform.fmt_clean([edit.path], cwd=ws.root)
        edit.path.write_text(edit.after, encoding="utf-8")
        if tidy:
            self.terraform.fmt([edit.path], cwd=ws.root)
        if self.config.validate_config:
            self.terraform.validate(cwd=ws.root)


def _forge(config: ForgeConfig | None) -> Forge | None:
    if config is None:
        return None
    token = os.environ.get(config.token_env)
    if not token:
        raise ConfigurationError(f"forge token variable {config.token_env} is not set")
    return make_forge(config.type, config.project, token, config.api)
