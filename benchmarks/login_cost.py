"""The cost of one password check: pbcity's tuned Argon2 against Django's default Argon2.

    DJANGO_SETTINGS_MODULE=pbcity.settings.test .venv/bin/python benchmarks/login_cost.py [--rounds 20]

No database needed. For each hasher: the parameters it writes into the hash, the median (and spread)
of `verify()` over --rounds checks of a correct password (what a login costs), of `encode()` (sign-up,
password change), and the throughput of checks when every core verifies at once.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import django_setup  # noqa: F401  (the repository on the path, Django set up: before project imports)
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.utils.module_loading import import_string

from pbcity.hashers import TunedArgon2PasswordHasher

PASSWORD = "correct horse battery staple 台北"
HASHERS = {
    "pbcity TunedArgon2PasswordHasher": "pbcity.hashers.TunedArgon2PasswordHasher",
    "Django Argon2PasswordHasher (default)": "django.contrib.auth.hashers.Argon2PasswordHasher",
}


def _ms(samples):
    samples = sorted(samples)
    return statistics.median(samples), samples[0], samples[-1]


def _verify_many(args):
    dotted, encoded, n = args
    hasher = import_string(dotted)()
    for _ in range(n):
        assert hasher.verify(PASSWORD, encoded)
    return n


def measure(dotted: str, rounds: int, workers: int) -> dict:
    hasher = import_string(dotted)()
    encoded = hasher.encode(PASSWORD, hasher.salt())
    hasher.verify(PASSWORD, encoded)  # warm-up
    enc, ver = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        hasher.encode(PASSWORD, hasher.salt())
        enc.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        ok = hasher.verify(PASSWORD, encoded)
        ver.append((time.perf_counter() - t0) * 1000)
        assert ok
    assert not hasher.verify("wrong password", encoded)
    per_worker = max(2, rounds // workers)
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_verify_many, [(dotted, encoded, 1)] * workers))  # start the workers first
        t0 = time.perf_counter()
        done = sum(pool.map(_verify_many, [(dotted, encoded, per_worker)] * workers))
        elapsed = time.perf_counter() - t0
    params = hasher.decode(encoded)
    return {"params": f"{params['variety']} v{params['version']}, m={params['memory_cost'] // 1024} MiB, "
                      f"t={params['time_cost']}, p={params['parallelism']}",
            "verify": _ms(ver), "encode": _ms(enc), "throughput": done / elapsed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="parallel checkers (default: cores)")
    args = parser.parse_args()
    assert issubclass(TunedArgon2PasswordHasher, Argon2PasswordHasher)
    print(f"# one password check, median of {args.rounds} ({os.cpu_count()} cores; throughput with "
          f"{args.workers} processes verifying at once)\n")
    print("| hasher | parameters | verify (login) median ms | min–max | encode median ms | logins/s, all cores |")
    print("|---|---|---:|---:|---:|---:|")
    results = {}
    for label, dotted in HASHERS.items():
        r = results[label] = measure(dotted, args.rounds, args.workers)
        v, e = r["verify"], r["encode"]
        print(f"| {label} | {r['params']} | {v[0]:.1f} | {v[1]:.1f}–{v[2]:.1f} | {e[0]:.1f} | {r['throughput']:.1f} |")
    tuned, default = (results[k]["verify"][0] for k in HASHERS)
    print(f"\nThe tuned hasher checks a password {default / tuned:.1f}× faster than Django's default.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
