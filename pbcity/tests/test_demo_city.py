"""The shared demo city (pbcity/tests/demo_city.py): a module's tests run on their own copy of it, and what one
writes — even committed, as a browser journey's server does — never reaches the built demo other modules copy;
and no id the demo used is handed out again for another row in the process (caches keyed by id stay true)."""
import pytest
from django.db import connection

from pbcity.models import User
from pbcity.tests.demo_city import DEMO_IDS_FROM, _admin, _lock, _sequences, _unlock


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


@pytest.mark.django_db
def test_no_id_of_the_demo_or_of_a_copy_is_handed_out_again_in_the_process(demo_city):
    from voting.models import Round

    demo_round = Round.objects.exclude(status="draft").order_by("-pk").first()
    assert demo_round.pk >= DEMO_IDS_FROM
    with _admin(demo_city.home) as cur:
        home = _sequences(cur)
    assert home[f"public.{Round._meta.db_table}_id_seq"] >= demo_round.pk
    assert home[f"public.{User._meta.db_table}_id_seq"] >= User.objects.order_by("-pk").first().pk


# Last in the module: a transactional test empties its database (the module's copy) when it ends.
@pytest.mark.django_db(transaction=True)
def test_a_module_runs_on_its_own_copy_and_a_committed_write_stays_in_it(demo_city):
    with connection.cursor() as cur:
        cur.execute("SELECT current_database()")
        assert cur.fetchone()[0] == demo_city.database != demo_city.template
    assert User.objects.filter(email="civil@demo.pbcity.tw").exists()  # the whole demo is there
    User.objects.create_user(email="leak@example.org", password="x")  # committed: no test transaction here
    assert User.objects.filter(email="leak@example.org").exists()
    assert _template_users(demo_city.template) == 0


