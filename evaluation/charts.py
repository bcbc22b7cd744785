"""Server-rendered SVG bar charts of the report (no script, no style attribute; like tracking/charts.py).

One group of bars per row, one bar per series (e.g. residents, attendees, voters), each a share 0–1.
"""
BAR = 12
GAP = 10
LABEL_WIDTH = 170
PLOT_WIDTH = 320
COLOURS = ("#0b5d7a", "#b35900", "#4a6b1f")  # dark enough for 3:1 against white (WCAG non-text contrast)


def grouped_bars(labels: list[str], series: list[tuple[str, list]]) -> dict:
    """Geometry for `labels` × `series` (name, values 0–1 or None)."""
    groups = []
    group_height = BAR * len(series) + GAP
    for i, label in enumerate(labels):
        y0 = i * group_height
        bars = []
        for j, (name, values) in enumerate(series):
            v = values[i]
            shown = 0 if v is None else max(0.0, min(float(v), 1.0))
            width = round(PLOT_WIDTH * shown)
            bars.append({"name": name, "y": y0 + j * BAR, "width": width, "colour": COLOURS[j % len(COLOURS)],
                         "value": None if v is None else round(float(v) * 100, 1),
                         "value_x": LABEL_WIDTH + width + 4, "text_y": y0 + j * BAR + BAR - 2})
        groups.append({"label": label, "text_y": y0 + BAR * len(series) / 2 + 4, "bars": bars})
    legend_y = len(labels) * group_height + 6
    legend = [{"name": name, "colour": COLOURS[j % len(COLOURS)], "x": j * 170, "text_x": j * 170 + 16,
               "y": legend_y, "text_y": legend_y + 10} for j, (name, _v) in enumerate(series)]
    return {"groups": groups, "legend": legend, "label_width": LABEL_WIDTH, "bar": BAR - 2,
            "width": LABEL_WIDTH + PLOT_WIDTH + 60, "height": legend_y + 18}
