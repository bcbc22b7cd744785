"""The race tests' one way to call something from many threads at the same moment (against PostgreSQL)."""
import threading

from django.db import connections


def race(fn, args, *, catch=(Exception,)) -> list:
    """`fn(arg)` for each of `args`, each in its own thread, all released together by a barrier.

    Returns, in finishing order, each call's result or the exception (one of `catch`) it raised. Each thread
    closes its own database connections, so the test database can be dropped afterwards.
    """
    args = list(args)
    barrier = threading.Barrier(len(args))
    outcomes = []

    def run(arg):
        try:
            barrier.wait()
            outcomes.append(fn(arg))
        except catch as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in args]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes
