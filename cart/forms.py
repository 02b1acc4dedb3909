from django import forms

from .models import MAX_QUANTITY


class AddToCartForm(forms.Form):
    quantity = forms.IntegerField(min_value=1, max_value=MAX_QUANTITY, initial=1)
    size = forms.IntegerField(min_value=1, required=False)


class CartLineForm(forms.Form):
    product_id = forms.IntegerField(min_value=1)
    size_id = forms.IntegerField(min_value=1, required=False)
    quantity = forms.IntegerField(min_value=0, max_value=MAX_QUANTITY)


class CartLineActionForm(forms.Form):
    """Remove a line, or move it to the wishlist."""

    size_id = forms.IntegerField(min_value=1)
