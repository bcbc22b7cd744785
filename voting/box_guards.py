"""PostgreSQL guards of the ballot box (docs/security.md, "Ballot secrecy").

- A sealed ballot is accepted only while its round is open (the same FOR SHARE lock as the
  participation trigger, so closing waits for it).
- Its row changes exactly twice: the sealer fills the chain columns once, and the ciphertext is set
  to NULL (destroyed) once the round's plaintext board is written; nothing else, ever. DELETE and
  TRUNCATE are refused by `pbcity.dbguards.append_only`.
- A round's public key is frozen once it leaves the draft; the box head published at close never
  changes.

The functions run with a fixed `search_path` and name tables with their schema, so a temporary
table that shadows `voting_round` changes nothing.
"""
from django.db import migrations

SQL = [
    """
CREATE OR REPLACE FUNCTION public.voting_sealedballot_guard() RETURNS trigger
SET search_path = pg_catalog, public AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM 1 FROM public.voting_round WHERE id = NEW.round_id AND status = 'open' FOR SHARE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'voting round %: not open for ballots', NEW.round_id USING ERRCODE = 'P0V01';
        END IF;
        IF NEW.position IS NOT NULL OR NEW.ciphertext IS NULL THEN
            RAISE EXCEPTION 'sealed ballot %: inserted sealed or empty', NEW.id;
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.id = OLD.id AND NEW.round_id = OLD.round_id THEN
        -- The sealer fills the chain columns once.
        IF OLD.position IS NULL AND NEW.position IS NOT NULL
           AND NEW.ciphertext IS NOT DISTINCT FROM OLD.ciphertext THEN
            RETURN NEW;
        END IF;
        -- The ciphertext is destroyed once the plaintext board is written.
        IF OLD.position IS NOT NULL AND OLD.ciphertext IS NOT NULL AND NEW.ciphertext IS NULL
           AND (NEW.position, NEW.content_hash, NEW.prev_hash, NEW.entry_hash)
               = (OLD.position, OLD.content_hash, OLD.prev_hash, OLD.entry_hash)
           AND EXISTS (SELECT 1 FROM public.voting_round WHERE id = OLD.round_id AND board_head <> '') THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'sealed ballot %: UPDATE refused (only sealing once, then destroying the ciphertext '
                    'after the board is written)', OLD.id;
END;
$$ LANGUAGE plpgsql;
""",
    "DROP TRIGGER IF EXISTS voting_sealedballot_guard ON public.voting_sealedballot;",
    "CREATE TRIGGER voting_sealedballot_guard BEFORE INSERT OR UPDATE ON public.voting_sealedballot "
    "FOR EACH ROW EXECUTE FUNCTION public.voting_sealedballot_guard();",
    """
CREATE OR REPLACE FUNCTION public.voting_round_box_frozen() RETURNS trigger
SET search_path = pg_catalog, public AS $$
BEGIN
    IF OLD.status <> 'draft' AND NEW.public_key IS DISTINCT FROM OLD.public_key THEN
        RAISE EXCEPTION 'voting round %: the ballot-box key is frozen once the round opens', OLD.id;
    END IF;
    IF OLD.box_head <> '' AND (NEW.box_head, NEW.box_size) IS DISTINCT FROM (OLD.box_head, OLD.box_size) THEN
        RAISE EXCEPTION 'voting round %: the ballot-box head published at close cannot change', OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
    "DROP TRIGGER IF EXISTS voting_round_box_frozen ON public.voting_round;",
    "CREATE TRIGGER voting_round_box_frozen BEFORE UPDATE ON public.voting_round "
    "FOR EACH ROW EXECUTE FUNCTION public.voting_round_box_frozen();",
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS voting_sealedballot_guard ON public.voting_sealedballot;",
    "DROP TRIGGER IF EXISTS voting_round_box_frozen ON public.voting_round;",
]


def box_guards() -> migrations.RunPython:
    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in SQL:
                schema_editor.execute(sql, params=None)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in BACKWARDS:
                schema_editor.execute(sql, params=None)

    return migrations.RunPython(forwards, backwards)
