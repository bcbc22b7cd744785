"""Where a ballot POST's CPU goes: the production WSGI application called in-process under cProfile.

Run by `vote_http.py --profile N` after it has populated its database (environment as for gunicorn); reads
one request per line on stdin (the raw HTTP request vote_http.py would send), calls the WSGI application for
each, and prints the CPU time per request (this process and its PostgreSQL backend) and the profile's top
entries by cumulative CPU time (time.process_time as the timer, so waiting is not counted).
"""
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, os.getcwd())  # the tree under test (vote_http.py runs this with cwd= that tree)
from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()


def environ_of(raw: bytes) -> dict:
    head, body = raw.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    method, path, _proto = lines[0].split(" ")
    env = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
           "SERVER_PORT": "8000", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
           "REMOTE_ADDR": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1"}
    for line in lines[1:]:
        name, value = line.split(": ", 1)
        key = name.upper().replace("-", "_")
        env[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key] = value
    return env


def call(raw: bytes) -> str:
    status = []
    body = b"".join(application(environ_of(raw), lambda s, h, exc_info=None: status.append(s)))
    assert b"<strong>" in body, (status, body[:300])
    return status[0]


def backend_cpu() -> float:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    requests = [bytes.fromhex(line) for line in sys.stdin.read().split()]
    warm, timed = requests[:20], requests[20:]
    for raw in warm:
        call(raw)
    pg0, cpu0 = backend_cpu(), time.process_time()
    for raw in timed[: len(timed) // 2]:
        call(raw)
    cpu, pg = time.process_time() - cpu0, backend_cpu() - pg0
    n = len(timed) // 2
    print(f"without the profiler, {n} ballots: {cpu * 1000 / n:.2f} ms CPU per ballot in the web process, "
          f"{pg * 1000 / n:.2f} ms in its PostgreSQL backend")
    prof = cProfile.Profile(time.process_time)
    prof.enable()
    for raw in timed[n:]:
        call(raw)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("cumulative").print_stats(int(os.environ.get("PROFILE_LINES", "60")))
    stats.sort_stats("tottime").print_stats(int(os.environ.get("PROFILE_LINES", "60")) // 2)
    if os.environ.get("PROFILE_CALLEES"):
        stats.sort_stats("cumulative").print_callees(os.environ["PROFILE_CALLEES"])
    print(out.getvalue())


if __name__ == "__main__":
    main()
