"""Public pages at election-day load: the web node's server under production settings, driven by wrk, cache
off then on. `--server granian` (default, as deployed: deploy/granian.sh) or `--server gunicorn`.

    .venv/bin/python benchmarks/public_pages_load.py [--duration 30] [--connections 16]

Starts a private PostgreSQL and Redis (scripts/services.sh) unless REDIS_URL is already set, migrates,
seeds the demo city, collects static files, then for PAGE_CACHE=0 and PAGE_CACHE=1 in turn starts gunicorn
(deploy/gunicorn.conf.py, production settings, plain HTTP on loopback as deploy/cluster.sh does) and drives
each page with `wrk --latency` for --duration seconds at --connections connections: the anonymous public
pages, and a logged-in resident's inbox and proposals (session cookie). Prints one Markdown table with
requests/s, p50 and p99 per page and mode.

Correctness under load, with the cache on: while wrk drives a proposal's page, a district office records
a transition (`pass_assembly`, through proposals.services); the first answer after the commit must show the
new state. Exits 1 if it does not, or if any page answered anything but 200.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv/bin/python")


def sh_services_and_rerun() -> int:
    """No services yet: run this script again inside a shell that started them (and stops them on exit)."""
    script = f'source scripts/services.sh && start_services && "{PY}" benchmarks/public_pages_load.py "$@"'
    return subprocess.call(["bash", "-c", script, "bash", *sys.argv[1:]], cwd=ROOT)


def manage(*args, env, capture=False):
    return subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True,
                          capture_output=capture, text=True)


SETUP = r"""
import json
from django.test import Client
from pbcity.models import User
from proposals.models import Proposal
from assemblies.models import Assembly
from voting.models import Round
raised = Proposal.objects.filter(state="raised").order_by("pk").first()
shown = Proposal.objects.public().order_by("-pk").first()
assembly = Assembly.objects.filter(status="closed").order_by("pk").first()
tallied = Round.objects.exclude(tallied_at=None).order_by("pk").first()
c = Client()
c.force_login(User.objects.get(email="resident1@demo.pbcity.tw"))
print(json.dumps({
    "raised": raised.pk if raised else None, "raised_district": raised.district_id if raised else None,
    "detail": (raised or shown).pk, "district": shown.district_id, "assembly": assembly.pk if assembly else None,
    "round": tallied.pk if tallied else None, "session": c.cookies["sessionid"].value,
}))
"""

TRANSITION = r"""
from pbcity.models import RoleAssignment
from pbcity.roles import Role
from proposals import services
from proposals.models import Proposal
p = Proposal.objects.get(pk={pk})
actor = RoleAssignment.objects.filter(role=Role.DISTRICT_OFFICE, district_id=p.district_id).first().user
services.proposal_transition(proposal=p, actor=actor, transition_name="pass_assembly",
                             reason="住民大會表決通過（負載測試）", preauthorised=True)
print("committed")
"""


def wait_up(base: str, seconds=60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/", timeout=5) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer")


def ensure_wrk() -> bool:
    """wrk from the distribution when missing (apt-get, as root or through sudo); False if it cannot be had."""
    if shutil.which("wrk"):
        return True
    sudo = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if sudo is not None and shutil.which("apt-get"):
        print("==> apt-get install wrk", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], env=env,
                          capture_output=True).returncode != 0:
            subprocess.run([*sudo, "apt-get", "update", "-qq"], env=env, capture_output=True)
            subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], env=env, capture_output=True)
    return bool(shutil.which("wrk"))


def pyload(url: str, *, duration: int, connections: int, cookie: str = "") -> dict:
    """The fallback load generator (standard library asyncio): `connections` closed-loop clients, one request
    per connection as gunicorn's sync workers close it. Slower than wrk and on the same cores: read its
    latencies as an upper bound."""
    import asyncio
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request = (f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n"
               + (f"Cookie: {cookie}\r\n" if cookie else "") + "\r\n").encode()
    lat, stats = [], {"non2xx": 0, "errors": 0}

    async def client(deadline):
        while time.monotonic() < deadline:
            t = time.perf_counter()
            try:
                reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
                writer.write(request)
                data = await reader.read()
                writer.close()
            except OSError:
                stats["errors"] += 1
                continue
            lat.append((time.perf_counter() - t) * 1000)
            if not data.startswith((b"HTTP/1.1 2", b"HTTP/1.1 3", b"HTTP/1.0 2")):
                stats["non2xx"] += 1

    async def main():
        started = time.monotonic()
        await asyncio.gather(*(client(started + duration) for _ in range(connections)))
        return time.monotonic() - started

    elapsed = asyncio.run(main())
    lat.sort()

    def pct(p):
        return lat[min(len(lat) - 1, int(p / 100 * (len(lat) - 1)))] if lat else 0.0

    return {"rps": len(lat) / elapsed, "p50": pct(50), "p99": pct(99), "requests": len(lat),
            "non2xx": stats["non2xx"], "socket_errors": f"{stats['errors']} connect/read" if stats["errors"] else ""}


HAVE_WRK = None


def wrk(url: str, *, duration: int, connections: int, cookie: str = "") -> dict:
    global HAVE_WRK
    if HAVE_WRK is None:
        HAVE_WRK = ensure_wrk()
        if not HAVE_WRK:
            print("==> wrk could not be installed: the Python load generator measures instead", flush=True)
    if not HAVE_WRK:
        return pyload(url, duration=duration, connections=connections, cookie=cookie)
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout

    def ms(label):
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": ms(50), "p99": ms(99),
            "requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "non2xx": int(bad.group(1)) if bad else 0, "socket_errors": errors.group(1) if errors else ""}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _status(url: str, cookie: str) -> int:
    req = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.build_opener(_NoRedirect).open(req, timeout=10) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def fetch(url: str) -> tuple[str, str]:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode(), r.headers.get("X-Page-Cache", "-")


def _prepare(tmp: Path) -> tuple[dict, dict]:
    """A production-settings environment over a seeded demo database; the ids the pages need."""
    env = {**os.environ,
           "DJANGO_SETTINGS_MODULE": "pbcity.settings.production",
           "SECRET_KEY": secrets.token_urlsafe(50), "VOTER_ID_HMAC_KEY": secrets.token_urlsafe(40),
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "false", "SECURE_PROXY_SSL_HEADER": "",
           "STATIC_ROOT": str(tmp / "static"), "MEDIA_ROOT": str(tmp / "media"),
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "LOG_LEVEL": "WARNING"}
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    print(f"==> {os.cpu_count()} cores, load average {' '.join(open('/proc/loadavg').read().split()[:3])}, "
          f"commit {commit.stdout.strip()}")
    print("==> migrate, collectstatic, seed_demo")
    manage("migrate", "-v0", env=env)
    manage("createcachetable", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)
    manage("seed_demo", env=env, capture=True)
    env.pop("DATABASE_OWNER_URL", None)  # the web runs as the runtime role, as in deployment
    ids = json.loads(manage("shell", "-c", SETUP, env=env, capture=True).stdout.strip().splitlines()[-1])
    return env, ids


def _pages(ids: dict) -> tuple[list, list]:
    pages = [
        ("home", "/"),
        ("proposal list", "/proposals/"),
        ("proposal list, filtered", f"/proposals/?district={ids['district']}&state=raised"),
        ("proposal detail", f"/proposals/{ids['detail']}/"),
    ]
    if ids["assembly"]:
        pages.append(("assembly results", f"/assemblies/{ids['assembly']}/results/"))
    pages.append(("i-Voting rounds", "/voting/rounds/"))
    if ids["round"]:
        pages.append(("i-Voting results", f"/voting/rounds/{ids['round']}/results/"))
    return pages, [("resident: inbox", "/inbox/"), ("resident: my proposals", "/proposals/mine/")]


def _measure_page(base, name, path, *, mode, ids, env, args, results, failures) -> str | None:
    """Warm every worker, then measure one page; with the cache on, the proposal detail is also checked for
    staleness while a transition happens under load (returns that verdict)."""
    cookie = f"sessionid={ids['session']}" if name.startswith("resident") else ""
    for _ in range(3):  # warm: workers import, the cache fills; a redirect (to login) is a failure
        status = _status(base + path, cookie)
    if status != 200:
        failures.append(f"{name} (PAGE_CACHE={mode}) answers {status}, not 200")
    # Every worker warm (imports, compiled templates), not just the one the serial requests met.
    wrk(base + path, duration=2, connections=args.connections, cookie=cookie)
    checker = verdict = None
    if mode == "1" and name == "proposal detail" and ids["raised"]:
        checker = _TransitionUnderLoad(base, ids["raised"], env, delay=args.duration / 3)
        checker.start()
    r = wrk(base + path, duration=args.duration, connections=args.connections, cookie=cookie)
    if checker:
        checker.join()
        verdict = checker.verdict
        if not checker.ok:
            failures.append(f"stale page after a transition: {checker.verdict}")
    results[(name, mode)] = r
    if r["non2xx"] or r["socket_errors"]:
        failures.append(f"{name} (PAGE_CACHE={mode}): {r['non2xx']} non-2xx, {r['socket_errors']}")
    print(f"   PAGE_CACHE={mode} {name:28} {r['rps']:8.1f} req/s  p50 {r['p50']:7.1f} ms  "
          f"p99 {r['p99']:7.1f} ms  ({r['requests']} requests)", flush=True)
    return verdict


def _print_table(pages, results, args) -> None:
    server = ("granian (deploy/granian.sh" if args.server == "granian" else "gunicorn (deploy/gunicorn.conf.py")
    workers = os.cpu_count() + 1 if args.server == "granian" else os.cpu_count() * 2 + 1
    print(f"\n{args.connections} connections, {args.duration} s per page, {server}, "
          f"{workers} workers), wrk on the same machine; "
          f"load average at the end {' '.join(open('/proc/loadavg').read().split()[:3])}\n")
    print("| page | req/s, cache off | p50 / p99 ms, cache off | req/s, cache on | p50 / p99 ms, cache on |")
    print("|---|---:|---:|---:|---:|")
    for name, _path in pages:
        off, on = results[(name, "0")], results[(name, "1")]
        print(f"| {name} | {off['rps']:.0f} | {off['p50']:.1f} / {off['p99']:.1f} | {on['rps']:.0f} | "
              f"{on['p50']:.1f} / {on['p99']:.1f} |")


def main() -> int:
    if not os.environ.get("REDIS_URL"):
        return sh_services_and_rerun()
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=30)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--server", choices=("granian", "gunicorn"), default="granian",
                    help="the web node's server: deploy/granian.sh (as deployed) or deploy/gunicorn.conf.py")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="pbcity-load-"))
    env, ids = _prepare(tmp)
    pages, resident = _pages(ids)
    port = subprocess.run(["python3", "-c", "import socket;s=socket.socket();s.bind(('127.0.0.1',0));"
                           "print(s.getsockname()[1])"], capture_output=True, text=True).stdout.strip()
    base = f"http://127.0.0.1:{port}"
    results: dict[tuple[str, str], dict] = {}
    failures = []
    correctness = "not run (no proposal in state raised)"
    boots = {}
    for mode in ("0", "1"):
        genv = {**env, "PAGE_CACHE": mode, "GUNICORN_BIND": f"127.0.0.1:{port}", "GRANIAN_PORT": port,
                "GUNICORN_ACCESS_LOG": str(tmp / f"access-{mode}.log"),
                "GUNICORN_ERROR_LOG": str(tmp / f"error-{mode}.log")}
        if args.server == "granian":
            web = subprocess.Popen(["bash", "deploy/granian.sh"], cwd=ROOT, env=genv,
                                   stdout=open(tmp / f"error-{mode}.log", "w"), stderr=subprocess.STDOUT)
        else:
            web = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-c", "deploy/gunicorn.conf.py", "pbcity.wsgi"],
                                   cwd=ROOT, env=genv)
        try:
            wait_up(base)
            for name, path in pages + resident:
                verdict = _measure_page(base, name, path, mode=mode, ids=ids, env=env, args=args, results=results,
                                        failures=failures)
                correctness = verdict or correctness
        finally:
            web.terminate()
            web.wait(30)
        # The worker-recycling check (max_requests): how many workers gunicorn replaced during the run.
        log = (tmp / f"error-{mode}.log").read_text(errors="replace")
        boots[mode] = (log.count("Autorestarting worker") + log.count("Respawning worker"),
                       log.count("Booting worker") + log.count("Spawning worker"))
    _print_table(pages + resident, results, args)
    for mode, (restarts, booted) in boots.items():
        print(f"PAGE_CACHE={mode}: {restarts} workers recycled by max_requests, {booted} worker boots in all")
    print(f"\nCorrectness under load: {correctness}")
    for f in failures:
        print("FAILED:", f)
    return 1 if failures else 0


class _TransitionUnderLoad(threading.Thread):
    """Records a transition while wrk drives the pages; the first page after the commit must show it."""

    def __init__(self, base, pk, env, delay):
        super().__init__()
        self.base, self.pk, self.env, self.delay = base, pk, env, delay
        self.ok, self.verdict = False, "not run"

    def run(self):
        url = f"{self.base}/proposals/{self.pk}/"
        try:
            before, _ = fetch(url)
            fetch(url)
            _, cached = fetch(url)
            if 'class="state state-raised"' not in before:
                self.verdict = "proposal was not shown as raised before"
                return
            time.sleep(self.delay)
            manage("shell", "-c", TRANSITION.replace("{pk}", str(self.pk)), env=self.env, capture=True)
            after, source = fetch(url)
            self.ok = 'class="state state-assembly_passed"' in after
            self.verdict = (f"proposal {self.pk} cached ({cached}) as raised; the first answer after the commit "
                            f"({source}) shows {'assembly_passed: OK' if self.ok else 'the OLD state: STALE'}")
        except Exception as exc:  # reported as a failure, not a crash of the benchmark
            self.verdict = f"error: {exc!r}"


if __name__ == "__main__":
    sys.exit(main())
