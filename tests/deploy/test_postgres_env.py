"""ha-postgres connects with `store.url: postgresql://` and libpq's PG* variables from a
Secret: the same settings and variables against a real PostgreSQL 15."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.deploy.manifests import OVERLAYS, container, one, render
from tests.integration.store.postgres import USER, PostgresServer, started_postgres

pytestmark = [pytest.mark.slow, pytest.mark.integration]


@pytest.fixture(scope="module")
def server() -> Iterator[PostgresServer]:
    with started_postgres() as server:
        yield server


def test_the_overlays_store_url_connects_through_the_secrets_variables(
    server: PostgresServer, tmp_path: Path
) -> None:
    docs = render(OVERLAYS / "ha-postgres")
    settings_map = next(doc for doc in docs if "kubedrift.yaml" in doc.get("data", {}))
    url = yaml.safe_load(settings_map["data"]["kubedrift.yaml"])["store"]["url"]
    env_from_secret = {
        item["name"]: item["valueFrom"]["secretKeyRef"]["key"]
        for item in container(one(docs, "Deployment", "kubedrift"))["env"]
        if item["valueFrom"].get("secretKeyRef", {}).get("name") == "kubedrift-postgres"
    }
    database = server.create_database().rsplit("/", 1)[1]
    secret = {"host": "127.0.0.1", "port": str(server.port), "database": database, "user": USER}
    secret |= {"password": "unused-with-trust-auth", "sslmode": "disable"}
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env |= {variable: secret[key] for variable, key in env_from_secret.items()}
    assert set(env_from_secret) >= {"PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD"}

    kubedrift = str(Path(sys.executable).parent / "kubedrift")
    done = subprocess.run(
        [kubedrift, "db", "upgrade", "--url", url],
        capture_output=True, text=True, check=False, timeout=120, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "(head)" in done.stdout
    done = subprocess.run(
        [kubedrift, "db", "current", "--url", url],
        capture_output=True, text=True, check=False, timeout=120, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0 and "(head)" in done.stdout, done.stdout + done.stderr
