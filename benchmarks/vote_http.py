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

gunicorn runs with the deployment's own configuration (`deploy/gunicorn.conf.py`; --workers, --worker-class
and --threads override it) and, when REDIS_URL is set (scripts/services.sh sets it), the Redis cache: the
sessions of the voters are then also in Redis, as a login leaves them with `pbcity.sessions` (a database
row and a cached copy). CPU per ballot counts the gunicorn master and workers, their PostgreSQL backends
and the Redis server (user + system time from /proc), not the load generator.

`--server gunicorn,granian` measures this tree under each application server in turn (granian as
`deploy/granian.sh` starts it; `gunicorn-gthread` too), each with its own share of the voters. `--keepalive` keeps
each client's connection open, as nginx does upstream (`keepalive 32`); `--load wrk` sends the same requests with
wrk (benchmarks/wrk_ballots.lua, kept alive), whose own CPU per ballot is a fraction of the Python client's, so the
server gets nearly the whole machine. CPU is also printed by part (app server, PostgreSQL, Redis).

`--reference REV` measures that commit too, in the same invocation, on the same database and round (half
the voters each, reference first): the ratio of CPU per ballot survives a noisy shared box, the absolute
figures do not. The reference tree is `git archive REV` in a temporary directory sharing this `.venv`.
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
from measure import cpu_seconds, ppid, reference_tree  # noqa: E402

from pbcity.models import Cycle, District, User
from proposals.models import Proposal
from voting.models import Participation, Round, RoundProject, SealedBallot, Voter
from voting.services.ballot_box import round_keys_generate

ROOT = django_setup.ROOT

BATCH = 5000
# The sessions name Django's own backend, which every tree accepts (a reference commit from before
# pbcity.auth_backends too; this tree maps the name: pbcity/sessions.py).
OLD_BACKEND = "django.contrib.auth.backends.ModelBackend"
RECEIPT = re.compile(rb"<strong>[A-Z2-7]{4}(?:-[A-Z2-7]{4}){3}</strong>")


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def session_cache():
    """The Redis cache the server will use (REDIS_URL), or None without Redis."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return None
    from django.core.cache.backends.redis import RedisCache

    return RedisCache(url, {})


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
    cache = session_cache()
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
                                          BACKEND_SESSION_KEY: OLD_BACKEND})
            sessions.append(Session(session_key=key, session_data=data, expire_date=expire))
            keys.append(key)
        Session.objects.bulk_create(sessions)
        if cache is not None:
            # What pbcity.sessions.SessionStore.save leaves after a login: the row above and a cached copy.
            from pbcity.sessions import SessionStore as CachedStore

            cache.set_many({CachedStore.cache_key_prefix + s.session_key: SessionStore().decode(s.session_data)
                            for s in sessions}, 3600)
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
        "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}", "SECURE_SSL_REDIRECT": "False",
        "REDIS_URL": os.environ.get("REDIS_URL", ""), "GUNICORN_BIND": f"127.0.0.1:{port}",
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
        data = await reader.read()  # Connection: close — the server closes after its answer
    finally:
        writer.close()
    status = int(data[9:12]) if data[:5] == b"HTTP/" else 0
    return status, bool(RECEIPT.search(data))


async def _answer(reader) -> tuple[int, bytes, bool]:
    """One HTTP/1.1 answer from a kept-alive connection: status, body, and whether the server closes it."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lower = head.lower()
    close = b"\r\nconnection: close" in lower
    m = re.search(rb"\r\ncontent-length: *(\d+)", lower)
    if m:
        return status, await reader.readexactly(int(m.group(1))), close
    if b"\r\ntransfer-encoding: chunked" in lower:
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                return status, body, close
            body += chunk[:-2]
    return status, await reader.read(), True


def ballot_request(port: int, path: str, session_key: str, projects: list, rng, keepalive: bool = False) -> bytes:
    """One voter's final POST: session and CSRF cookies, token, Origin, the form's one-time key, 1–5 choices."""
    origin = f"https://127.0.0.1:{port}"
    csrf = get_random_string(32)
    picks = rng.sample(projects, rng.randint(1, 5))
    body = (f"csrfmiddlewaretoken={csrf}&step=confirm&key={get_random_string(22)}&"
            + "&".join(f"p{p}=1" for p in picks)).encode()
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\nReferer: {origin}{path}\r\n"
            f"X-Forwarded-Proto: https\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Cookie: {settings.SESSION_COOKIE_NAME}={session_key}; csrftoken={csrf}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: {'keep-alive' if keepalive else 'close'}\r\n\r\n").encode()
    return head + body


def profile(r: Round, keys: list, projects: list, tree: Path) -> None:
    """--profile: the production application in one process under cProfile (benchmarks/vote_profile.py)."""
    port = 8000
    rng = random.Random(11)
    reqs = [ballot_request(port, f"/voting/rounds/{r.pk}/ballot/", k, projects, rng) for k in keys]
    env = gunicorn_env(port, connection.settings_dict)
    env["STATIC_ROOT"] = tempfile.mkdtemp(prefix="vote-prof-")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=tree, env=env, check=True)
    subprocess.run([sys.executable, str(ROOT / "benchmarks/vote_profile.py")], cwd=tree, env=env, check=True,
                   input="\n".join(x.hex() for x in reqs).encode())
    shutil.rmtree(env["STATIC_ROOT"], ignore_errors=True)


async def _client(port: int, request, state: dict, deadline: float) -> None:
    """A client opening a new connection per request (Connection: close)."""
    while time.monotonic() < deadline:
        req = request()
        t = time.perf_counter()
        try:
            status, receipt = await _one(port, req)
        except OSError:
            state["errors"] += 1
            continue
        state["connects"] += 1
        state["lat"].append((time.perf_counter() - t) * 1000)
        state["status"][status] += 1
        state["receipts"] += receipt


async def _kept_client(port: int, request, state: dict, deadline: float) -> None:
    """A client keeping its connection open, reconnecting only when the server closes it."""
    reader = writer = None
    while time.monotonic() < deadline:
        req = request()
        t = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                state["connects"] += 1
            writer.write(req)
            await writer.drain()
            status, body, close = await _answer(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            state["errors"] += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            continue
        if close:
            writer.close()
            reader = writer = None
        state["lat"].append((time.perf_counter() - t) * 1000)
        state["status"][status] += 1
        state["receipts"] += bool(RECEIPT.search(body))
    if writer is not None:
        writer.close()


async def load(port: int, path: str, keys: list, projects: list, *, seconds: float, connections: int,
               keepalive: bool = False) -> dict:
    """`connections` clients in a closed loop for `seconds`; in-flight requests finish (drain) and count.

    Without `keepalive` every request opens a new TCP connection (a browser straight at the app server); with it
    each client keeps its connection open as the proxy in front does (deploy/nginx.conf.template: `keepalive 32`
    upstream, HTTP/1.1), reconnecting only when the server closes it.
    """
    rng = random.Random(7)
    state = {"next": 0, "lat": [], "status": Counter(), "receipts": 0, "errors": 0, "connects": 0}
    deadline = time.monotonic() + seconds

    def request() -> bytes:
        i = state["next"]
        state["next"] += 1
        return ballot_request(port, path, keys[i % len(keys)], projects, rng, keepalive)

    started = time.monotonic()
    cpu = time.process_time()
    one = _kept_client if keepalive else _client
    await asyncio.gather(*(one(port, request, state, deadline) for _i in range(connections)))
    state["elapsed"] = time.monotonic() - started
    state["client_cpu"] = time.process_time() - cpu
    return state


def wrk_load(port: int, path: str, keys: list, projects: list, *, seconds: float, connections: int) -> dict:
    """The same requests sent by wrk (C, epoll; benchmarks/wrk_ballots.lua): the load generator then takes
    a small share of the two cores, so the server gets nearly all of them. Kept-alive connections."""
    import resource

    from public_pages_load import ensure_wrk

    if not ensure_wrk():
        raise SystemExit("wrk is not installed and could not be installed: use --load python")
    rng = random.Random(7)
    origin = f"https://127.0.0.1:{port}"
    lines = []
    for key in keys:
        raw = ballot_request(port, path, key, projects, rng, keepalive=True).decode()
        head, body = raw.split("\r\n\r\n", 1)
        cookie = next(h.split(": ", 1)[1] for h in head.split("\r\n") if h.startswith("Cookie: "))
        lines.append(f"{cookie}\t{body}")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(lines) + "\n")
    threads = 2
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
                          "-s", str(ROOT / "benchmarks/wrk_ballots.lua"), f"http://127.0.0.1:{port}{path}",
                          "--", f.name, path, str(threads), origin], capture_output=True, text=True, check=True).stdout
    elapsed = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    os.unlink(f.name)
    found = dict(item.split("=", 1) for item in re.search(r"RESULT (.*)", out).group(1).split())
    status = Counter({int(k): int(v) for k, v in (x.split("=") for x in found["statuses"].split(",") if x)})
    return {"status": status, "receipts": int(found["accepted"]), "errors": int(found["errors"]) - sum(
            v for k, v in status.items() if k >= 400), "exhausted": int(found["exhausted"]),
            "distinct": int(found["distinct"]),
            "pcts": {p: float(found[f"p{p}"]) for p in (50, 90, 99)}, "max": float(found["max"]),
            "elapsed": float(found["seconds"]) or elapsed, "lat": [],
            "client_cpu": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)}




def redis_pid() -> list:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return []
    import redis

    return [int(redis.Redis.from_url(url).info("server")["process_id"])]


def server_pids(master: int) -> dict:
    """The server's processes (the master — or launcher — and every descendant: workers), the PostgreSQL backends
    of this database (persistent connections) and Redis, by part."""
    procs = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]
    tree, grown = {master}, True
    while grown:
        more = {pid for pid in procs if ppid(pid) in tree} - tree
        tree |= more
        grown = bool(more)
    with connection.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        backends = [row[0] for row in cur.fetchall()]
    return {"app server": sorted(tree), "PostgreSQL": backends, "Redis": redis_pid()}




def pct(values: list, p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0.0




# What deploy/gunicorn.conf.py of a tree sets (worker class, threads, preload), for the table.
CONFIG_SUMMARY = ("import runpy, sys; c = runpy.run_path(sys.argv[1]); "
                  "print(f\"{c.get('worker_class')}, {c.get('threads', 1)} threads, \""
                  "f\"preload {c.get('preload_app', False)}\")")


def server_command(server: str, args, tree: Path, port: int) -> list:
    """The command line of one application server (`--server`): gunicorn with the tree's own configuration, or
    granian (WSGI) as deploy/granian.sh of the tree starts it."""
    if server == "granian":
        return ["bash", str(tree / "deploy/granian.sh"), "--host", "127.0.0.1", "--port", str(port),
                "--workers", str(args.workers), "--backlog", "2048", "--log-level", "warning"]
    cmd = [str(ROOT / ".venv/bin/gunicorn"), "pbcity.wsgi", "-c", str(tree / "deploy/gunicorn.conf.py"),
           "-b", f"127.0.0.1:{port}", "-w", str(args.workers), "--log-level", "warning", "--backlog", "2048",
           "--access-logfile", "/dev/null"]
    if server == "gunicorn-gthread":
        cmd += ["--worker-class", "gthread", "--threads", str(args.threads or 4)]
    else:
        if args.worker_class:
            cmd += ["--worker-class", args.worker_class]
        if args.threads:
            cmd += ["--threads", str(args.threads)]
    return cmd


def measure(args, tree: Path, r: Round, keys: list, projects: list, server: str = "gunicorn") -> dict:
    """One application server from `tree` driven for --seconds; its figures and the rows it stored."""
    port = free_port()
    tmp = Path(tempfile.mkdtemp(prefix="vote-bench-"))
    path = f"/voting/rounds/{r.pk}/ballot/"
    gunicorn = server_command(server, args, tree, port)
    env = gunicorn_env(port, connection.settings_dict)
    # Production serves hashed static files (WhiteNoise's manifest), as after a deployment's collectstatic.
    env["STATIC_ROOT"] = str(tmp / "static")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=tree, env=env, check=True)
    before_rows = SealedBallot.objects.filter(round=r).count()
    proc = subprocess.Popen(gunicorn, cwd=tree, env=env, stdout=subprocess.DEVNULL,
                            stderr=open(tmp / "gunicorn.log", "w"))
    try:
        wait_for(port, proc)
        # Warm every worker (imports, a database connection, the round's frozen-rules cache) with GETs.
        # On a loaded box the first answers wait for every worker's import: retry until all are warm.
        warm, deadline = 0, time.time() + 300
        while warm < args.workers * 4 and time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/voting/rounds/", timeout=60).read()
                warm += 1
            except OSError:
                time.sleep(1)
        time.sleep(1)
        load_avg = os.getloadavg()
        parts = server_pids(proc.pid)
        part_before = {name: cpu_seconds(group) for name, group in parts.items()}
        if args.load == "wrk":
            state = wrk_load(port, path, keys, projects, seconds=args.seconds, connections=args.connections)
        else:
            state = asyncio.run(load(port, path, keys, projects, seconds=args.seconds, connections=args.connections,
                                     keepalive=args.keepalive))
        # Backends opened during the run (a worker's first connection) count whole; those gone are lost to /proc
        # either way, which is why every worker is warmed (its connection opened) before the run.
        after = server_pids(proc.pid)
        for name, group in after.items():
            parts[name] = sorted(set(parts[name]) | set(group))
        cpu_parts = {name: cpu_seconds(group) - part_before[name] for name, group in parts.items()}
        cpu_used = sum(cpu_parts.values())
        load_after = os.getloadavg()
        config = server if server != "gunicorn" else subprocess.run(
            [str(ROOT / ".venv/bin/python"), "-c", CONFIG_SUMMARY, str(tree / "deploy/gunicorn.conf.py")],
            capture_output=True, text=True, env=env).stdout
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    state.update(load_avg=load_avg, load_after=load_after, cpu=cpu_used, cpu_parts=cpu_parts,
                 processes=sum(len(group) for group in parts.values()),
                 config=config.strip(),
                 rows=SealedBallot.objects.filter(round=r).count() - before_rows,
                 log=(tmp / "gunicorn.log").read_text())
    shutil.rmtree(tmp, ignore_errors=True)
    return state


def run(args) -> int:
    t0 = time.time()
    reference = reference_tree(args.reference, prefix="vote-bench-ref-") if args.reference else None
    trees = [("reference " + args.reference, reference, "gunicorn")] if args.reference else []
    servers = args.server.split(",")
    trees += [("this tree" if len(servers) == 1 else f"this tree, {server}", ROOT, server) for server in servers]
    r, keys, projects = populate(args.voters * len(trees))
    print(f"populated {args.voters * len(trees)} voters and sessions in {time.time() - t0:.1f} s")
    if args.profile:
        for i, (name, tree, _server) in enumerate(trees):
            print(f"\n### profile: {name}")
            profile(r, keys[i * args.voters:i * args.voters + args.profile], projects, tree)
            if tree != ROOT:
                shutil.rmtree(tree, ignore_errors=True)
        return 0
    results = []
    for i, (name, tree, server) in enumerate(trees):
        results.append((name, measure(args, tree, r, keys[i * args.voters:(i + 1) * args.voters], projects, server)))
        if tree != ROOT:
            shutil.rmtree(tree, ignore_errors=True)
    return report(args, r, results)


def report(args, r: Round, results: list) -> int:
    """The Markdown table of every measured row and the checks; 1 if a ballot was lost, doubled or refused."""
    status = 0
    kept = args.keepalive or args.load == "wrk"
    print(f"\nmachine: {os.cpu_count()} cores; each server with {args.workers} workers"
          f"{' × ' + args.worker_class if args.worker_class else ''}"
          f"{f' ({args.threads} threads)' if args.threads else ''}; "
          f"Redis: {'yes' if os.environ.get('REDIS_URL') else 'no'}; "
          f"{args.connections} concurrent clients for {args.seconds} s (+ drain), "
          f"{'kept-alive connections (as the proxy)' if kept else 'new connection per request'}"
          f", load generator: {args.load}\n")
    print("| code | load before → after | ballots/s | accepted (200 + receipt) | other statuses | socket errors | "
          "p50 ms | p90 ms | p99 ms | max ms | rows stored | **CPU per ballot** | ceiling on 2 idle cores | "
          "load generator CPU per ballot |")
    print("|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    per_ballot = {}
    for name, st in results:
        per_ballot[name], ok = _row(args, name, st)
        status |= _check(args, name, st, ok)
    ballots, parts = SealedBallot.objects.filter(round=r).count(), Participation.objects.filter(round=r).count()
    print(f"\nrows in voting_sealedballot: {ballots}, voting_participation: {parts} (must be equal)")
    if ballots != parts:
        status = 1
    print("\nCPU per accepted ballot by part: " + "; ".join(
        f"{name}: " + ", ".join(f"{part} {sec * 1000 / max(st['status'].get(200, 0), 1):.2f} ms"
                                for part, sec in st["cpu_parts"].items()) for name, st in results))
    (ref, ref_per), *others = per_ballot.items()
    for cur, cur_per in others:
        print(f"CPU per ballot, {cur} / {ref}: {cur_per / ref_per:.2f}")
    print("CPU per ballot: gunicorn master + workers, their PostgreSQL backends and Redis (the load generator "
          "excluded); the ceiling is cores / CPU per ballot.")
    return status


def _row(args, name: str, st: dict) -> tuple[float, int]:
    """Print one run's table row; its CPU per accepted ballot (ms) and the accepted count."""
    lat, codes = st["lat"], st["status"]
    pcts = st.get("pcts") or {p: pct(lat, p) for p in (50, 90, 99)}
    top = st.get("max", max(lat or [0]))
    ok = codes.get(200, 0)
    per = st["cpu"] * 1000 / ok if ok else float("nan")
    others = ", ".join(f"{k}: {v}" for k, v in sorted(codes.items()) if k != 200) or "none"
    print(f"| {name} ({st['config']}) | {st['load_avg'][0]:.2f} → {st['load_after'][0]:.2f} | "
          f"{ok / st['elapsed']:.0f} | {st['receipts']} | {others} | {st['errors']} | {pcts[50]:.1f} | "
          f"{pcts[90]:.1f} | {pcts[99]:.1f} | {top:.1f} | {st['rows']} | {per:.2f} ms | "
          f"{os.cpu_count() * 1000 / per:.0f}/s | {st['client_cpu'] * 1000 / max(ok, 1):.2f} ms |")
    return per, ok


def _check(args, name: str, st: dict, ok: int) -> int:
    """1 if this run lost, doubled or refused a ballot, or ran out of voters."""
    status = 0
    # wrk stops without waiting for the requests in flight: the server may have stored up to one more ballot
    # per connection than wrk counted. The Python client drains them, so its counts must match exactly.
    in_flight = args.connections if args.load == "wrk" else 0
    if st.get("exhausted"):
        print(f"\nVOTERS RAN OUT in {name} after {st['receipts'] - st['exhausted']} ballots (a wrk thread "
              f"repeated its last voter {st['exhausted']} times): rerun with more --voters")
        status = 1
    if st["receipts"] != ok or not ok <= st["rows"] <= ok + in_flight or set(st["status"]) - {200}:
        print(f"\nMISMATCH in {name}: accepted ballots differ from rows, or unexpected statuses")
        print(st["log"][-2000:])
        status = 1
    return status


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seconds", type=int, default=60)
    p.add_argument("--voters", type=int, default=80000)
    p.add_argument("--workers", type=int, default=5)
    p.add_argument("--worker-class", default="", help="default: deploy/gunicorn.conf.py's")
    p.add_argument("--threads", type=int, default=0, help="default: deploy/gunicorn.conf.py's")
    p.add_argument("--profile", type=int, default=0, help="profile N ballots in-process instead of the load run")
    p.add_argument("--reference", default="", help="a commit to measure in the same run (e.g. HEAD~3)")
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--server", default="gunicorn",
                   help="comma-separated servers measured one after the other on this tree: gunicorn (the tree's "
                        "deploy/gunicorn.conf.py), gunicorn-gthread, granian (deploy/granian.sh)")
    p.add_argument("--load", choices=("python", "wrk"), default="python",
                   help="load generator: Python asyncio (default) or wrk with benchmarks/wrk_ballots.lua (kept alive)")
    p.add_argument("--keepalive", action="store_true",
                   help="clients keep their connections open, as the proxy does upstream (default: one per request)")
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
