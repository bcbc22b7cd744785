"""The voting stage's PostgreSQL guards (docs/decisions.md, "Voting: rounds and ballots").

- A round's rules are frozen once it leaves the draft (but its closing time may move later while it
  is open: civil affairs extends it): UPDATE of a rule column, a status moving
  backwards, a change of the published board head, or DELETE is refused; so is any change to the
  projects on its ballot.
- A participation (and so a ballot) is accepted only while its round is open. The check takes a
  FOR SHARE lock on the round row, so closing (which locks it FOR UPDATE) waits for ballots in flight
  and no ballot commits after the round is closed.
"""
from django.db import migrations

STATUS_ORDER = "ARRAY['draft','open','closed','tallied']"
# closes_at is guarded apart: civil affairs may move it later while the round is open (round_extend).
FROZEN = ("cycle_id", "district_id", "opens_at", "ballot_type", "min_choices", "max_choices",
          "points", "max_per_project", "budget", "score_vector", "threshold", "threshold_basis", "admission_cap",
          "counting_rule")


def _row(prefix: str) -> str:
    return "ROW(" + ", ".join(f"{prefix}.{c}" for c in FROZEN) + ")"


SQL = [
    f"""
CREATE OR REPLACE FUNCTION voting_round_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'voting round %: frozen once opened (DELETE refused)', OLD.id;
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status <> 'draft' AND {_row('NEW')} IS DISTINCT FROM {_row('OLD')} THEN
        RAISE EXCEPTION 'voting round %: rules are frozen once the round opens', OLD.id;
    END IF;
    IF OLD.status <> 'draft' AND NEW.closes_at IS DISTINCT FROM OLD.closes_at
       AND NOT (OLD.status = 'open' AND NEW.status = 'open' AND NEW.closes_at > OLD.closes_at) THEN
        RAISE EXCEPTION 'voting round %: the closing time is frozen but for moving it later while open',
            OLD.id;
    END IF;
    IF array_position({STATUS_ORDER}, NEW.status::text) < array_position({STATUS_ORDER}, OLD.status::text) THEN
        RAISE EXCEPTION 'voting round %: status cannot go back from % to %', OLD.id, OLD.status, NEW.status;
    END IF;
    IF OLD.board_head <> '' AND (NEW.board_head, NEW.board_size) IS DISTINCT FROM (OLD.board_head, OLD.board_size)
    THEN
        RAISE EXCEPTION 'voting round %: the published board head cannot change', OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp;
""",
    "DROP TRIGGER IF EXISTS voting_round_frozen ON voting_round;",
    "CREATE TRIGGER voting_round_frozen BEFORE UPDATE OR DELETE ON voting_round "
    "FOR EACH ROW EXECUTE FUNCTION voting_round_frozen();",
    """
CREATE OR REPLACE FUNCTION voting_roundproject_frozen() RETURNS trigger AS $$
DECLARE
    rid bigint;
BEGIN
    FOR rid IN SELECT unnest(CASE TG_OP WHEN 'INSERT' THEN ARRAY[NEW.round_id]
                                        WHEN 'DELETE' THEN ARRAY[OLD.round_id]
                                        ELSE ARRAY[OLD.round_id, NEW.round_id] END) LOOP
        IF EXISTS (SELECT 1 FROM voting_round WHERE id = rid AND status <> 'draft') THEN
            RAISE EXCEPTION 'voting round %: the projects on the ballot are frozen once it opens (% refused)',
                rid, TG_OP;
        END IF;
    END LOOP;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp;
""",
    "DROP TRIGGER IF EXISTS voting_roundproject_frozen ON voting_roundproject;",
    "CREATE TRIGGER voting_roundproject_frozen BEFORE INSERT OR UPDATE OR DELETE ON voting_roundproject "
    "FOR EACH ROW EXECUTE FUNCTION voting_roundproject_frozen();",
    """
CREATE OR REPLACE FUNCTION voting_participation_round_open() RETURNS trigger AS $$
BEGIN
    PERFORM 1 FROM voting_round WHERE id = NEW.round_id AND status = 'open' FOR SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'voting round %: not open for ballots', NEW.round_id USING ERRCODE = 'P0V01';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp;
""",
    "DROP TRIGGER IF EXISTS voting_participation_round_open ON voting_participation;",
    "CREATE TRIGGER voting_participation_round_open BEFORE INSERT ON voting_participation "
    "FOR EACH ROW EXECUTE FUNCTION voting_participation_round_open();",
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS voting_round_frozen ON voting_round;",
    "DROP TRIGGER IF EXISTS voting_roundproject_frozen ON voting_roundproject;",
    "DROP TRIGGER IF EXISTS voting_participation_round_open ON voting_participation;",
]
# SQLSTATE of "round not open" raised by the participation trigger.
ROUND_NOT_OPEN = "P0V01"


def round_guards() -> migrations.RunPython:
    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in SQL:
            schema_editor.execute(sql, params=None)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in BACKWARDS:
            schema_editor.execute(sql, params=None)

    return migrations.RunPython(forwards, backwards)
