"""Peak memory of the service while the attach shortcut moves a 4 MB and a 40 MB file.

    REDMINE_PORT=3103 .venv/bin/python -m bench.attach_memory

Starts (or reuses, via REDMINE_TEST_URL/REDMINE_TEST_API_KEY) a real Redmine and raises
its attachment limit to 100 MB (local instance only), runs the fake Slack Web API in this
process and `redmine-slack web` as a subprocess, then submits the attach form for each
file. Prints the service's peak RSS (VmHWM from /proc) before and after each file. The
files stream from Slack's download into `POST /uploads.json`, so the 40 MB file should
raise the peak by less than 10 MB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from tests.integration.slack_harness import SECRET_KEY, add_slack_users
from tests.redmine_server import Seed, seed, start_redmine
from tests.support.fakeslack import BOT_TOKEN, FakeSlack, free_port, start_fake_slack
from tests.support.signing import SIGNING_SECRET, interaction_body, signed_headers

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
GOAL_MB = 10.0
LIMIT_KB = 102400


def raise_attachment_limit(url: str) -> None:
    """Setting.attachment_max_size has no REST API: set it with Rails on our own instance."""
    port = urlsplit(url).port
    state_dir = os.environ.get("REDMINE_STATE_DIR", "/var/tmp/redmine-slack-redmine")
    database = Path(state_dir) / f"db-{port}.sqlite3"
    if not database.exists():
        sys.exit(f"cannot raise the limit: no local database {database} for this Redmine")
    subprocess.run(
        ["ruby", "bin/rails", "runner", f"Setting.attachment_max_size = {LIMIT_KB}"],
        cwd="/usr/share/redmine",
        env={
            **os.environ,
            "REDMINE_INSTANCE": "default",
            "RAILS_ENV": "production",
            "DATABASE_URL": f"sqlite3:{database}",
        },
        check=True,
        capture_output=True,
        timeout=300,
    )


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc status")


def start_service(
    fake: FakeSlack, data: Seed, workdir: Path
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.base_url + "api/",
        "REDMINE_URL": data.url,
        "REDMINE_API_KEY": data.admin_key,
        "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}",
        "SECRET_KEY": SECRET_KEY,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "redmine-slack"), "web"], env=env, cwd=workdir
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            sys.exit("the service exited during start-up")
        time.sleep(0.2)
    process.kill()
    sys.exit("the service did not start within 60 s")


def create_issue(data: Seed) -> int:
    with httpx.Client(base_url=data.url, headers={"X-Redmine-API-Key": data.admin_key}) as http:
        answer = http.post(
            "/issues.json",
            json={"issue": {"project_id": data.projects["alpha"], "subject": "Memory bench"}},
        )
        answer.raise_for_status()
        issue_id: int = answer.json()["issue"]["id"]
        return issue_id


def attach(url: str, fake: FakeSlack, issue_id: int, file_id: str, ts: str) -> float:
    metadata = json.dumps(
        {"channel_id": "CPUBLIC", "message_ts": ts, "thread_ts": ts, "file_ids": [file_id]}
    )
    payload = {
        "type": "view_submission",
        "team": {"id": "T1", "domain": "test"},
        "user": {"id": "UBOB", "username": "bob", "team_id": "T1"},
        "api_app_id": "A1",
        "trigger_id": "T.bench",
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": "message_attach_modal",
            "private_metadata": metadata,
            "hash": "h1",
            "blocks": [],
            "state": {"values": {"issue": {"issue": {"value": str(issue_id)}}}},
        },
    }
    body = interaction_body(payload)
    started = time.monotonic()
    answer = httpx.post(
        f"{url}/slack/events", content=body.encode(), headers=signed_headers(body), timeout=30
    )
    answer.raise_for_status()
    fake.wait_for("chat.postMessage", lambda c: c.args.get("thread_ts") == ts, timeout=300)
    return time.monotonic() - started


def main() -> int:
    url, key = start_redmine()
    raise_attachment_limit(url)
    data = seed(url, key)
    fake, slack_server = start_fake_slack()
    add_slack_users(fake)
    fake.add_file("F4MB", "four.bin", os.urandom(4 * MB), "application/octet-stream")
    fake.add_file("F40MB", "forty.bin", os.urandom(40 * MB), "application/octet-stream")
    issue_id = create_issue(data)
    with tempfile.TemporaryDirectory() as tmp:
        process, service_url = start_service(fake, data, Path(tmp))
        try:
            # Warm up: identity, caches and the connection pools, with a tiny file.
            fake.add_file("FWARM", "warm.txt", b"warm", "text/plain")
            attach(service_url, fake, issue_id, "FWARM", "1.0")
            baseline = peak_rss_mb(process.pid)
            seconds_4 = attach(service_url, fake, issue_id, "F4MB", "2.0")
            after_4 = peak_rss_mb(process.pid)
            seconds_40 = attach(service_url, fake, issue_id, "F40MB", "3.0")
            after_40 = peak_rss_mb(process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)
            slack_server.stop()
    with httpx.Client(base_url=data.url, headers={"X-Redmine-API-Key": data.admin_key}) as http:
        issue = http.get(f"/issues/{issue_id}.json", params={"include": "attachments"}).json()
    sizes = {a["filename"]: a["filesize"] for a in issue["issue"]["attachments"]}
    assert sizes.get("four.bin") == 4 * MB and sizes.get("forty.bin") == 40 * MB, sizes
    raised = after_40 - after_4
    print(f"service peak RSS (VmHWM) after warm-up: {baseline:.1f} MB")
    print(
        f"after the 4 MB file:  {after_4:.1f} MB (+{after_4 - baseline:.1f} MB, {seconds_4:.1f} s)"
    )
    print(f"after the 40 MB file: {after_40:.1f} MB (+{raised:.1f} MB, {seconds_40:.1f} s)")
    verdict = "met" if raised < GOAL_MB else "MISSED"
    print(f"goal: the 40 MB file raises the peak by < {GOAL_MB:.0f} MB: {verdict}")
    return 0 if raised < GOAL_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
