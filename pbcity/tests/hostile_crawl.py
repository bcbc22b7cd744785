"""Find every form a signed-in person can reach and every URL the resolver knows, to attack them all.

Used by test_hostile_input.py. Generic on purpose: an app that lands later is covered by its pages'
forms and its URL patterns without a line here.
"""
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

# Never followed: leaving the session, Django's own admin, language switching, files.
SKIP_PREFIXES = ("/accounts/", "/admin/", "/i18n/", "/static/", "/media/", "/__")
SKIP_SUFFIXES = (".pdf", ".csv", ".json", ".svg", ".png", ".jpg", ".zip", ".txt", ".xml", ".ics")


@dataclass
class Form:
    action: str
    method: str
    fields: dict = field(default_factory=dict)  # name -> default value (str or list of str)
    choices: dict = field(default_factory=dict)  # name -> offered values (selects, radios, checkboxes)

    def key(self, route: str) -> tuple:
        return route, self.method, tuple(sorted(self.fields))


class _PageParser(HTMLParser):
    def __init__(self, url):
        super().__init__(convert_charrefs=True)
        self.url, self.links, self.forms = url, [], []
        self._form, self._select, self._textarea = None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.url, a["href"]))
        elif tag == "form":
            action = urljoin(self.url, a.get("action") or a.get("hx-post") or self.url)
            method = "post" if a.get("hx-post") else (a.get("method") or "get")
            self._form = Form(action=action, method=method.lower())
        elif self._form is not None and tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                if kind == "submit" and a.get("value") is not None:
                    self._form.choices.setdefault(a["name"], []).append(a["value"])
                return
            if kind in ("checkbox", "radio"):
                self._form.choices.setdefault(a["name"], []).append(a.get("value", "on"))
                if "checked" in a or a["name"] not in self._form.fields:
                    self._form.fields[a["name"]] = a.get("value", "on")
                return
            self._form.fields[a["name"]] = a.get("value") or ""
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form.fields.setdefault(self._select, "")
        elif self._form is not None and tag == "option" and self._select:
            value = a.get("value", "")
            self._form.choices.setdefault(self._select, []).append(value)
            if "selected" in a or not self._form.fields.get(self._select):
                self._form.fields[self._select] = value
        elif self._form is not None and tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form.fields[self._textarea] = ""
        elif self._form is not None and tag == "button" and a.get("name"):
            self._form.choices.setdefault(a["name"], []).append(a.get("value", ""))
            self._form.fields.setdefault(a["name"], a.get("value", ""))

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def is_server_error(status: int) -> bool:
    """A 5xx other than 503, which the health check answers on purpose when a dependency is down."""
    return status >= 500 and status != 503


def route_of(path: str) -> str | None:
    """The URL pattern a path resolves to ("proposals/<int:pk>/act/"), None if none."""
    try:
        return resolve(path).route
    except Resolver404:
        return None


def local_path(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    path = parts.path or "/"
    if path.startswith(SKIP_PREFIXES) or path.endswith(SKIP_SUFFIXES):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def crawl(client, starts, *, per_route=1, max_pages=100):
    """GET pages breadth-first from `starts`; return (forms by key, example paths by route)."""
    seen_routes, visited, forms, examples = {}, set(), {}, {}
    queue = list(starts)
    while queue and len(visited) < max_pages:
        path = queue.pop(0)
        route = route_of(path.split("?")[0])
        if path in visited or route is None or seen_routes.get(route, 0) >= per_route:
            continue
        visited.add(path)
        seen_routes[route] = seen_routes.get(route, 0) + 1
        examples.setdefault(route, path.split("?")[0])
        response = client.get(path)
        if is_server_error(response.status_code):
            raise AssertionError(f"GET {path} gave {response.status_code}")
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = _PageParser("http://testserver" + path)
        page.feed(response.content.decode("utf-8", "replace"))
        for f in page.forms:
            target = local_path(f.action)
            target_route = route_of(target.split("?")[0]) if target else None
            if target_route:
                f.action = target.split("?")[0]
                forms.setdefault(f.key(target_route), f)
        for link in page.links:
            target = local_path(link)
            if target and target not in visited:
                queue.append(target)
    return forms, examples


def url_patterns(resolver=None, prefix=""):
    """Every (route, pattern) in the project, admin and allauth left out."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if route.startswith(("admin/", "accounts/", "i18n/")):
            continue
        if isinstance(p, URLResolver):
            yield from url_patterns(p, route)
        elif isinstance(p, URLPattern):
            yield route, p


_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def fill_route(route: str, example: str | None, hostile: str) -> list[str]:
    """Concrete paths for `route`: the crawled example (real ids) and one with every parameter hostile."""
    real = example or "/" + _CONVERTER.sub("1", route)
    bad = "/" + _CONVERTER.sub(lambda m: "99999999999" if m.group(1) == "int" else quote(hostile, safe=""), route)
    return [real] if bad == real else [real, bad]
