from django import forms

from accounts.models import ADDRESS_FIELDS, ADDRESS_LINE_LENGTH
from accounts.validators import normalise_indian_mobile, validate_indian_mobile, validate_pin_code
from core.forms import BootstrapFormMixin

from .models import Order

NEW_ADDRESS = ""


class CheckoutForm(BootstrapFormMixin, forms.Form):
    """Where to ship and how to pay. A saved address (``saved_address``) fills the address
    fields on the server; a new one is validated as an Indian courier needs it."""

    saved_address = forms.ChoiceField(required=False, widget=forms.RadioSelect, label="Deliver to")
    full_name = forms.CharField(
        max_length=120, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = forms.CharField(
        required=False,
        label="Mobile number",
        help_text="10 digits, for the courier, e.g. 9876543210.",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel-national"}),
    )
    line1 = forms.CharField(
        max_length=ADDRESS_LINE_LENGTH,
        required=False,
        label="Address",
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    line2 = forms.CharField(
        max_length=ADDRESS_LINE_LENGTH,
        required=False,
        label="Address line 2",
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = forms.CharField(max_length=80, required=False)
    state = forms.CharField(max_length=80, required=False)
    pin_code = forms.CharField(
        required=False,
        label="PIN code",
        help_text="6 digits, e.g. 560001.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    country = forms.CharField(max_length=60, initial="India", required=False)
    save_address = forms.BooleanField(required=False, label="Save this address for next time")
    payment_method = forms.ChoiceField(
        choices=Order.PaymentMethod.choices,
        initial=Order.PaymentMethod.COD,
        required=False,  # cash on delivery unless the buyer picks card
        widget=forms.RadioSelect,
        label="Payment",
    )
    # Rendered once per checkout page; submitting the same form twice reuses it.
    checkout_token = forms.UUIDField(widget=forms.HiddenInput)

    REQUIRED_FOR_NEW = ("full_name", "phone", "line1", "city", "pin_code")

    def __init__(self, *args, addresses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.addresses = {str(a.pk): a for a in addresses}
        self.fields["saved_address"].choices = [(pk, a.one_line) for pk, a in self.addresses.items()] + [
            (NEW_ADDRESS, "A new address")
        ]
        if not self.addresses:
            del self.fields["saved_address"]
        for name in ("saved_address", "payment_method"):
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-check-input"

    def clean_phone(self) -> str:
        phone = normalise_indian_mobile(self.cleaned_data["phone"])
        if phone:
            validate_indian_mobile(phone)
        return phone

    def clean_pin_code(self) -> str:
        pin = self.cleaned_data["pin_code"].replace(" ", "")
        if pin:
            validate_pin_code(pin)
        return pin

    def clean(self):
        data = super().clean()
        saved = self.addresses.get(data.get("saved_address") or NEW_ADDRESS)
        if saved is not None:
            data.update(
                {name: getattr(saved, name) for name in ADDRESS_FIELDS}, country="India", save_address=False
            )
            return data
        for name in self.REQUIRED_FOR_NEW:
            if not data.get(name) and name not in self.errors:
                self.add_error(name, "This field is required.")
        if data.get("save_address") and not data.get("state"):
            self.add_error("state", "Add the state to save this address.")
        data["country"] = data.get("country") or "India"
        return data

    def clean_payment_method(self) -> str:
        return self.cleaned_data["payment_method"] or Order.PaymentMethod.COD


class OrderCancelForm(forms.Form):
    confirm = forms.BooleanField(required=True)
