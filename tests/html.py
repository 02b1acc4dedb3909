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
