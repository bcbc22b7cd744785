"""One text search for Chinese and English (docs/decisions.md, "Search: character bigrams in a GIN index").

Chinese has no spaces and its words are mostly two characters (公園, 遮陽), so a text is cut into
tokens instead of words: NFKC-normalised (full-width ＡＢＣ → abc) and lower-cased, every run of CJK
characters gives its single characters and its overlapping bigrams (遮陽棚 → 遮 陽 棚 遮陽 陽棚), every
run of Latin letters or digits gives one word. Punctuation, quotes, `%`, `_`, `\\` and NUL give nothing.

A query matches a row whose document holds every token of the query: a CJK run of the query gives its
bigrams (a single character gives itself), a Latin run gives its word.

Where it is stored (the recipe each app uses):
- the model gets `search_document = search.document_field()`, names the columns it searches in
  `SEARCH_FIELDS`, mixes `SearchDocumentMixin` into the model and `SearchDocumentQuerySet` into its
  queryset (save, bulk_create, bulk_update and update keep the document in step with the columns);
- its migration adds `search.gin_index(table, name)`: on PostgreSQL a GIN index on
  `string_to_array(search_document, ' ')` (built-in `array_ops`: no extension, nothing a runtime role
  lacks), on SQLite nothing;
- reads call `search.matching(qs, text, fields=..., document=...)`: on PostgreSQL
  `string_to_array(document, ' ') @> ARRAY[tokens]`, which the GIN index answers; elsewhere (SQLite for
  `make run`) one `icontains` per token over the searched columns. Small per-person sets (an inbox) or
  tables of a few dozen rows call it without `document=` and get the `icontains` form everywhere.
"""
from __future__ import annotations

import re
import unicodedata

from django.db import connection, migrations, models, transaction
from django.db.models import BooleanField, F, Q

# CJK Unified Ideographs with extension A, compatibility ideographs, and the bopomofo/kana blocks
# that Taiwanese text mixes in.
_CJK = re.compile(r"[\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9]+")
# A query longer than this is cut (the forms allow 100 characters; a URL can carry anything).
MAX_QUERY_CHARS = 200
MAX_QUERY_TOKENS = 32


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_query(raw) -> str:
    """A search box's value as a page shows it back: control characters (NUL…) dropped, spaces
    collapsed, at most 100 characters (what the search forms accept)."""
    return " ".join(_CONTROL.sub(" ", str(raw or "")[:MAX_QUERY_CHARS]).split())[:100]


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def document_tokens(*texts: str) -> list[str]:
    """The distinct tokens of a row's searched texts, sorted (so the stored document is stable)."""
    tokens: set[str] = set()
    for text in texts:
        text = _normal(text)
        for run in _CJK.findall(text):
            tokens.update(run)
            tokens.update(run[i:i + 2] for i in range(len(run) - 1))
        tokens.update(_WORD.findall(text))
    return sorted(tokens)


def document(*texts: str) -> str:
    """What the `search_document` column holds: the tokens, separated by single spaces."""
    return " ".join(document_tokens(*texts))


def query_tokens(text: str) -> list[str]:
    """The tokens a matching row must all hold, in query order, without repeats (at most 32)."""
    text = _normal((text or "")[:MAX_QUERY_CHARS])
    out: list[str] = []
    for match in re.finditer(f"{_CJK.pattern}|{_WORD.pattern}", text):
        run = match.group()
        if _CJK.fullmatch(run):
            grams = [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]
        else:
            grams = [run]
        out.extend(g for g in grams if g not in out)
    return out[:MAX_QUERY_TOKENS]


class HoldsTokens(models.Func):
    """`string_to_array(<document>, ' ') @> ARRAY[tokens]`: the expression the GIN index is built on."""

    output_field = BooleanField()

    def __init__(self, expression, tokens: list[str]):
        super().__init__(expression)
        self.tokens = list(tokens)

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"(string_to_array({sql}, ' ') @> %s::text[])", [*params, self.tokens]


def matching(qs, text: str, *, fields: tuple[str, ...], document: str | None = None):
    """`qs` narrowed to rows matching `text`; `qs` itself when `text` is blank; none when `text` has
    nothing searchable (only punctuation, say). `document` is the path of the row's `search_document`
    (e.g. "proposal__search_document"); without it, or off PostgreSQL, each token is an `icontains`
    over `fields`."""
    if not (text or "").strip():
        return qs
    tokens = query_tokens(text)
    if not tokens:
        return qs.none()
    if document and connection.vendor == "postgresql":
        return qs.filter(HoldsTokens(F(document), tokens))
    for token in tokens:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": token})
        qs = qs.filter(any_field)
    return qs


# -- keeping the document in step with the columns ------------------------------------------------

def document_field():
    return models.TextField(blank=True, default="", editable=False)


def document_of(obj) -> str:
    return document(*(str(getattr(obj, f) or "") for f in obj.SEARCH_FIELDS))


class SearchDocumentMixin:
    """Model mixin: `save()` refreshes `search_document` from `SEARCH_FIELDS`."""

    SEARCH_FIELDS: tuple[str, ...] = ()

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        if fields is None or set(fields) & set(self.SEARCH_FIELDS):
            self.search_document = document_of(self)
            if fields is not None:
                kwargs["update_fields"] = {*fields, "search_document"}
        super().save(*args, **kwargs)


class SearchDocumentQuerySet(models.QuerySet):
    """Queryset base: bulk writes keep `search_document` in step too."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.search_document = document_of(obj)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if set(fields) & set(self.model.SEARCH_FIELDS):
            for obj in objs:
                obj.search_document = document_of(obj)
            fields = [*fields, "search_document"]
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        if not set(kwargs) & set(self.model.SEARCH_FIELDS):
            return super().update(**kwargs)
        # The new values may be expressions (F, Concat): update, then rebuild from what was stored.
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            n = super().update(**kwargs)
            reindex(self.model, pks, using=self.db)
        return n


def reindex(model, pks=None, *, using="default", batch: int = 1000) -> int:
    """Rebuild `search_document` of `model`'s rows (all, or those in `pks`); returns how many."""
    base = model._base_manager.using(using).only("pk", *model.SEARCH_FIELDS).order_by("pk")
    if pks is not None:
        base = base.filter(pk__in=list(pks))
    done = 0
    rows = []
    for obj in base.iterator(chunk_size=batch):
        obj.search_document = document_of(obj)
        rows.append(obj)
        if len(rows) >= batch:
            models.QuerySet(model, using=using).bulk_update(rows, ["search_document"])
            done, rows = done + len(rows), []
    if rows:
        models.QuerySet(model, using=using).bulk_update(rows, ["search_document"])
        done += len(rows)
    return done


# -- the index (migrations) -----------------------------------------------------------------------

def gin_index(table: str, name: str, column: str = "search_document") -> migrations.RunPython:
    """Migration operation: the GIN index `matching` uses, on PostgreSQL only."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (string_to_array("{column}", \' \'))'
            )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(forwards, backwards, elidable=False)


def fill_documents(app_label: str, model_name: str, fields: tuple[str, ...]) -> migrations.RunPython:
    """Migration operation: compute `search_document` of the rows that exist when the column is added."""

    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        rows = []
        for obj in model._base_manager.using(schema_editor.connection.alias).only("pk", *fields).iterator():
            obj.search_document = document(*(str(getattr(obj, f) or "") for f in fields))
            rows.append(obj)
        model._base_manager.using(schema_editor.connection.alias).bulk_update(rows, ["search_document"],
                                                                             batch_size=1000)

    return migrations.RunPython(forwards, migrations.RunPython.noop)
