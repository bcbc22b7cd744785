"""The shared demo city (pbcity/tests/demo_city.py): a module's tests run on their own copy of it, and what one
writes — even committed, as a browser journey's server does — never reaches the built demo other modules copy."""
import pytest
from django.db import connection

from pbcity.models import User
from pbcity.tests.demo_city import _admin, _lock, _unlock


def _template_users(template) -> int:
    import psycopg

    s = connection.settings_dict
    with _admin() as cur:
        _lock(cur, template)  # no copy is being made from it meanwhile
        try:
            with psycopg.connect(host=s["HOST"] or None, port=s["PORT"] or None, user=s["USER"],
                                 password=s["PASSWORD"] or None, dbname=template) as conn:
                return conn.execute("SELECT count(*) FROM pbcity_user WHERE email = 'leak@example.org'").fetchone()[0]
        finally:
            _unlock(cur, template)


@pytest.mark.django_db(transaction=True)
def test_a_module_runs_on_its_own_copy_and_a_committed_write_stays_in_it(demo_city):
    with connection.cursor() as cur:
        cur.execute("SELECT current_database()")
        assert cur.fetchone()[0] == demo_city.database != demo_city.template
    assert User.objects.filter(email="civil@demo.pbcity.tw").exists()  # the whole demo is there
    User.objects.create_user(email="leak@example.org", password="x")  # committed: no test transaction here
    assert User.objects.filter(email="leak@example.org").exists()
    assert _template_users(demo_city.template) == 0

