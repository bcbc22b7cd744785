"""Ballots per second through the full HTTP stack: gunicorn, production settings, PostgreSQL, sessions, CSRF.

    DJANGO_SETTINGS_MODULE=pbcity.settings.test DATABASE_URL=postgres://owner@host:port/db \
        .venv/bin/python benchmarks/vote_http.py [--seconds 60] [--voters 80000] [--workers 5] [--connections 32]

(`bash scripts/bench.sh` runs it on a private PostgreSQL.) Creates a throwaway database with every
migration (the triggers included), one open round with 7 projects (approval, choose 1 to 5), and
`--voters` verified voters, each already logged in: a session row per voter, as a login leaves it (the
cost of a login itself is benchmarks/login_cost.py). Starts gunicorn with `pbcity.settings.production`
(DEBUG off, WhiteNoise, secure cookies; HTTPS is what the proxy in front says via X-Forwarded-Proto)
and drives it with an asyncio client (standard library): each request is one voter's final POST of the
ballot page — session cookie,
CSRF cookie and token, Origin header, the form's one-time key and 1–5 choices — and every voter votes
once. After `--seconds` no new request starts and those in flight finish, so every answer is counted.
Prints a Markdown table (throughput, p50/p90/p99 latency, errors) and checks that the accepted
ballots (200 with a receipt) equal the rows in voting_sealedballot and voting_participation. Exits 1 if not.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

import django_setup  # the repository on the path, Django set up: before any project import
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import setup_test_environment, teardown_test_environment
from django.utils import timezone
from django.utils.crypto import get_random_string

from pbcity.models import Cycle, District, User
from proposals.models import Proposal
from voting.models import Participation, Round, RoundProject, SealedBallot, Voter
from voting.services.ballot_box import round_keys_generate

ROOT = django_setup.ROOT

BATCH = 5000
RECEIPT = re.compile(rb"<strong>[A-Z2-7]{4}(?:-[A-Z2-7]{4}){3}</strong>")


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def populate(n_voters: int) -> tuple[Round, list[str], list[int]]:
    district = District.objects.create(code="daan", name="大安區", name_en="Da'an", eligible_population=268000)
    cycle = Cycle.objects.create(year=2026, name="2026 年臺北市參與式預算")
    staff = User.objects.create(email="civil@example.tw", name="民政局", password="!")
    projects = Proposal.objects.bulk_create([
        Proposal(cycle=cycle, district=district, title=f"提案 {i}", problem="問題", solution="解決方式",
                 category="parks", estimated_cost=100000 * i, state="in_vote", published_at=timezone.now())
        for i in range(1, 8)])
    now = timezone.now()
    r = Round.objects.create(cycle=cycle, district=district, opens_at=now - datetime.timedelta(hours=1),
                             closes_at=now + datetime.timedelta(days=1), min_choices=1, max_choices=5,
                             threshold=1000, threshold_basis="benchmark", admission_cap=5, created_by=staff,
                             public_key=round_keys_generate(holders=3, quorum=2)[0])
    RoundProject.objects.bulk_create([RoundProject(round=r, proposal=p, position=i, cost=p.estimated_cost)
                                      for i, p in enumerate(projects, start=1)])
    Round.objects.filter(pk=r.pk).update(status=Round.Status.OPEN, opened_at=now)  # from here the rules are frozen
    keys = []
    expire = now + datetime.timedelta(days=1)
    for start in range(0, n_voters, BATCH):
        users = User.objects.bulk_create([
            User(email=f"v{i}@example.tw", name=f"市民{i}", password="!", home_district=district)
            for i in range(start, min(n_voters, start + BATCH))])
        Voter.objects.bulk_create([
            Voter(cycle=cycle, user=u, id_hmac=f"{u.pk:064x}", birth_date=datetime.date(1980, 1, 1), district=district,
                  basis="household", status="verified", verified_via="online", verified_at=now) for u in users])
        sessions = []
        for u in users:
            key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
            data = SessionStore().encode({SESSION_KEY: str(u.pk), HASH_SESSION_KEY: u.get_session_auth_hash(),
                                          BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0]})
            sessions.append(Session(session_key=key, session_data=data, expire_date=expire))
            keys.append(key)
        Session.objects.bulk_create(sessions)
    return r, keys, [p.pk for p in projects]


def gunicorn_env(port: int, db: dict) -> dict:
    url = (f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT']}/{db['NAME']}"
           f"?conn_max_age=600")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))}
    # The sessions were signed here (populate): the server must share the key.
    env.update({
        "DJANGO_SETTINGS_MODULE": "pbcity.settings.production", "DATABASE_URL": url,
        "SECRET_KEY": settings.SECRET_KEY, "VOTER_ID_HMAC_KEY": get_random_string(40),
        "ALLOWED_HOSTS": "127.0.0.1", "SITE_URL": f"https://127.0.0.1:{port}",
        "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}", "SECURE_SSL_REDIRECT": "False", "REDIS_URL": "",
    })
    return env


def wait_for(port: int, proc, timeout=30) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


async def _one(port: int, request: bytes) -> tuple[int, bool]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        data = await reader.read()  # the sync worker closes the connection after its answer
    finally:
        writer.close()
    status = int(data[9:12]) if data[:5] == b"HTTP/" else 0
    return status, bool(RECEIPT.search(data))


async def load(port: int, path: str, keys: list, projects: list, *, seconds: float, connections: int) -> dict:
    """`connections` clients in a closed loop for `seconds`; in-flight requests finish (drain) and count."""
    rng = random.Random(7)
    origin = f"https://127.0.0.1:{port}"
    state = {"next": 0, "lat": [], "status": Counter(), "receipts": 0, "errors": 0}
    deadline = time.monotonic() + seconds

    def request() -> bytes:
        i = state["next"]
        state["next"] += 1
        csrf = get_random_string(32)
        picks = rng.sample(projects, rng.randint(1, 5))
        body = (f"csrfmiddlewaretoken={csrf}&step=confirm&key={get_random_string(22)}&"
                + "&".join(f"p{p}=1" for p in picks)).encode()
        head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\nReferer: {origin}{path}\r\n"
                f"X-Forwarded-Proto: https\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                f"Cookie: {settings.SESSION_COOKIE_NAME}={keys[i % len(keys)]}; csrftoken={csrf}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
        return head + body

    async def client():
        while time.monotonic() < deadline:
            req = request()
            t = time.perf_counter()
            try:
                status, receipt = await _one(port, req)
            except OSError:
                state["errors"] += 1
                continue
            state["lat"].append((time.perf_counter() - t) * 1000)
            state["status"][status] += 1
            state["receipts"] += receipt

    started = time.monotonic()
    await asyncio.gather(*(client() for _i in range(connections)))
    state["elapsed"] = time.monotonic() - started
    return state


def cpu_seconds(pids) -> float:
    """User + system CPU time of these processes so far (Linux /proc)."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def server_pids(master: int) -> list:
    """gunicorn's workers and the PostgreSQL backends of this database (persistent connections)."""
    workers = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()
               and _ppid(int(p.name)) == master]
    with connection.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        backends = [row[0] for row in cur.fetchall()]
    return [master, *workers, *backends]


def _ppid(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def pct(values: list, p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0.0


def run(args) -> int:
    t0 = time.time()
    r, keys, projects = populate(args.voters)
    print(f"populated {args.voters} voters and sessions in {time.time() - t0:.1f} s")
    port = free_port()
    tmp = Path(tempfile.mkdtemp(prefix="vote-bench-"))
    path = f"/voting/rounds/{r.pk}/ballot/"
    gunicorn = [str(ROOT / ".venv/bin/gunicorn"), "pbcity.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers),
                "--worker-class", args.worker_class, "--threads", str(args.threads),
                "--log-level", "warning", "--backlog", "2048"]
    env = gunicorn_env(port, connection.settings_dict)
    # Production serves hashed static files (WhiteNoise's manifest), as after a deployment's collectstatic.
    env["STATIC_ROOT"] = str(tmp / "static")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    proc = subprocess.Popen(gunicorn, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=open(tmp / "gunicorn.log", "w"))
    try:
        wait_for(port, proc)
        # Warm every worker (imports, a database connection, the round's frozen-rules cache) with GETs.
        for _i in range(args.workers * 4):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/voting/rounds/", timeout=30).read()
        load_avg = os.getloadavg()
        pids = server_pids(proc.pid)
        cpu_before = cpu_seconds(pids)
        state = asyncio.run(load(port, path, keys, projects, seconds=args.seconds, connections=args.connections))
        cpu_used = cpu_seconds(pids) - cpu_before
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    lat, st = state["lat"], state["status"]
    ok = st.get(200, 0)
    # During the vote a ballot is a sealed (encrypted) row beside its participation.
    ballots, parts = SealedBallot.objects.filter(round=r).count(), Participation.objects.filter(round=r).count()
    print(f"\nmachine: {os.cpu_count()} cores; load average before the run {load_avg[0]:.2f} {load_avg[1]:.2f} "
          f"{load_avg[2]:.2f}; gunicorn {args.workers} × {args.worker_class} ({args.threads} threads); "
          f"{args.connections} concurrent clients for {args.seconds} s (+ drain), new connection per request\n")
    print("| ballots/s | accepted (200 + receipt) | other statuses | socket errors | p50 ms | p90 ms | p99 ms | "
          "max ms | rows voting_sealedballot | rows voting_participation |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    others = ", ".join(f"{k}: {v}" for k, v in sorted(st.items()) if k != 200) or "none"
    print(f"| {ok / state['elapsed']:.0f} | {state['receipts']} | {others} | {state['errors']} | {pct(lat, 50):.1f} | "
          f"{pct(lat, 90):.1f} | {pct(lat, 99):.1f} | {max(lat or [0]):.1f} | {ballots} | {parts} |")
    if ok:
        per = cpu_used * 1000 / ok
        print(f"\nCPU per accepted ballot (gunicorn workers + their PostgreSQL backends, {len(pids)} processes): "
              f"{per:.2f} ms; so {os.cpu_count()} idle cores could accept at most {os.cpu_count() * 1000 / per:.0f} "
              f"ballots/s with this code (the load generator excluded).")
    log = (tmp / "gunicorn.log").read_text()
    shutil.rmtree(tmp, ignore_errors=True)
    if state["receipts"] != ballots or ok != ballots or ballots != parts or set(st) - {200}:
        print("\nMISMATCH: accepted ballots differ from rows, or unexpected statuses")
        print(log[-2000:])
        return 1
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seconds", type=int, default=60)
    p.add_argument("--voters", type=int, default=80000)
    p.add_argument("--workers", type=int, default=5)
    p.add_argument("--worker-class", default="sync")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--connections", type=int, default=32)
    args = p.parse_args()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    try:
        return run(args)
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()


if __name__ == "__main__":
    sys.exit(main())
