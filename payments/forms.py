from django import forms

from core.forms import BootstrapFormMixin


class TestCardForm(BootstrapFormMixin, forms.Form):
    card_number = forms.CharField(
        max_length=23, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "cc-number"})
    )
    expiry = forms.CharField(max_length=7, initial="12/30")
    cvc = forms.CharField(max_length=4, initial="123", label="CVC")
