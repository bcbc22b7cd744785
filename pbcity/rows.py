"""One model instance from one plain SQL row, for the few hot-path look-ups (docs/decisions.md,
"Election-day speed"): what a queryset does per row — each field's converters, then ``Model.from_db`` — without
building and compiling a queryset for every request (≈ 0.5 ms of CPU each on a ballot POST)."""
from __future__ import annotations

from django.db import connection


class RowReader:
    """``SELECT`` the model's concrete columns (plus ``extra`` expressions) from ``FROM … WHERE …``."""

    def __init__(self, model, alias: str, where: str, extra: tuple[str, ...] = ()):
        self.model = model
        fields = model._meta.concrete_fields
        self.names = [f.attname for f in fields]
        columns = ", ".join(f'{alias}."{f.column}"' for f in fields)
        self.sql = f"SELECT {columns}{''.join(', ' + e for e in extra)} FROM {model._meta.db_table} {alias} {where}"
        self.extra = len(extra)
        self._converters = None

    def converters(self):
        if self._converters is None:
            self._converters = []
            for i, f in enumerate(self.model._meta.concrete_fields):
                col = f.get_col(self.model._meta.db_table)
                funcs = connection.ops.get_db_converters(col) + f.get_db_converters(connection)
                if funcs:
                    self._converters.append((i, funcs, col))
        return self._converters

    def fetch(self, params):
        """(instance, extra values) of the first row, or (None, ())."""
        with connection.cursor() as cur:
            cur.execute(self.sql, params)
            row = cur.fetchone()
        if row is None:
            return None, ()
        values = list(row[:len(self.names)])
        for i, funcs, col in self.converters():
            for func in funcs:
                values[i] = func(values[i], col, connection)
        return self.model.from_db(connection.alias, self.names, values), tuple(row[len(self.names):])
