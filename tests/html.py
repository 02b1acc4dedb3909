"""Helpers for tests that read a page's HTML."""

from html.parser import HTMLParser

_UNNAMED_INPUTS = {"hidden", "submit", "button", "reset", "image"}


class _FieldLabels(HTMLParser):
    def __init__(self):
        super().__init__()
        self.label_for: set[str] = set()
        self.fields: list[dict[str, str | None]] = []
        self.in_label = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self.in_label += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in ("input", "select", "textarea") and attrs.get("type") not in _UNNAMED_INPUTS:
            self.fields.append({**attrs, "in_label": "1" if self.in_label else None})

    def handle_endtag(self, tag):
        if tag == "label":
            self.in_label = max(self.in_label - 1, 0)


def unlabelled_fields(html: str) -> list[str]:
    """Names of the form fields a screen reader would announce without a name: no
    ``aria-label``, no ``<label for>`` and not inside a ``<label>``."""
    parser = _FieldLabels()
    parser.feed(html)
    return [
        str(field.get("name"))
        for field in parser.fields
        if not (
            field.get("aria-label")
            or field.get("aria-labelledby")
            or field["in_label"]
            or field.get("id") in parser.label_for
        )
    ]


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    """A parsed HTML element: ``tag``, ``attrs``, children; ``text()`` and ``select()``."""

    def __init__(self, tag: str, attrs: dict[str, str | None], parent: "Element | None" = None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    def __getitem__(self, name: str) -> str:
        return self.attrs[name] or ""

    def text(self) -> str:
        """The text inside, whitespace collapsed."""
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join(" ".join(parts).split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def select(self, tag: str | None = None, **attrs: str) -> list["Element"]:
        """Descendants with this tag (any if None) and these attribute values (``data_test``
        for ``data-test``; True for "present")."""
        wanted = {name.replace("_", "-"): value for name, value in attrs.items()}
        return [
            e for e in self.iter()
            if (tag is None or e.tag == tag)
            and all((name in e.attrs) if value is True else e.attrs.get(name) == value
                    for name, value in wanted.items())
        ]

    def one(self, tag: str | None = None, **attrs: str) -> "Element":
        found = self.select(tag, **attrs)
        assert len(found) == 1, f"{len(found)} elements {tag} {attrs}"
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.root = self.current = Element("#document", {})

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in _VOID:
            self.current = element

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str | bytes) -> Element:
    """The page as a tree of :class:`Element` (the standard library's parser: no packages)."""
    builder = _TreeBuilder()
    builder.feed(html.decode() if isinstance(html, bytes) else html)
    return builder.root
