from django import template

register = template.Library()


@register.inclusion_tag("places/_map.html")
def place_map(view, table_id="place-map"):
    """Draw a map built by places.selectors.place_map (None draws nothing), with its table."""
    return {"map": view, "table_id": table_id}
