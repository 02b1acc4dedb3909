from django import forms

from marketplace.forms import BootstrapFormMixin


class AddToCartForm(forms.Form):
    quantity = forms.IntegerField(min_value=1, max_value=10, initial=1)


class CartLineForm(forms.Form):
    product_id = forms.IntegerField(min_value=1)
    quantity = forms.IntegerField(min_value=0, max_value=10)


class CheckoutForm(BootstrapFormMixin, forms.Form):
    full_name = forms.CharField(max_length=120)
    address = forms.CharField(max_length=250)
    city = forms.CharField(max_length=80)
    postal_code = forms.CharField(max_length=20)
    country = forms.CharField(max_length=60, initial="India")
    # Rendered once per checkout page; submitting the same form twice reuses it.
    checkout_token = forms.UUIDField(widget=forms.HiddenInput)
