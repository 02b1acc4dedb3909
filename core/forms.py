"""Bootstrap styling for every form of the shop, in one place."""

from django import forms


class BootstrapFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            elif isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            else:
                css = "form-control"
            _add_class(widget, css)

    def full_clean(self):
        """Outline the fields that failed validation (Bootstrap's ``is-invalid``)."""
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                _add_class(self.fields[name].widget, "is-invalid")


def _add_class(widget: forms.Widget, css: str) -> None:
    widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
