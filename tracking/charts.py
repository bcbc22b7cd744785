"""Geometry for server-rendered SVG bar charts (no script, no style attributes; docs/decisions.md)."""

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 180
PLOT_WIDTH = 300


def bar_chart(items) -> dict:
    """Horizontal bars for (label, percent or None); percent above 100 is drawn at 100 and labelled."""
    bars = []
    for i, (label, value) in enumerate(items):
        shown = 0 if value is None else max(0, min(value, 100))
        bars.append({
            "label": label, "value": value, "y": i * (BAR_HEIGHT + GAP), "text_y": i * (BAR_HEIGHT + GAP) + 15,
            "width": round(PLOT_WIDTH * shown / 100), "value_x": LABEL_WIDTH + round(PLOT_WIDTH * shown / 100) + 6,
        })
    return {"bars": bars, "height": max(len(bars), 1) * (BAR_HEIGHT + GAP), "label_width": LABEL_WIDTH,
            "bar_height": BAR_HEIGHT, "width": LABEL_WIDTH + PLOT_WIDTH + 60}
