from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from marketplace.forms import BootstrapFormMixin

from .models import User


class BuyerSignUpForm(BootstrapFormMixin, UserCreationForm):
    email = forms.EmailField(required=True)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class SellerSignUpForm(BootstrapFormMixin, UserCreationForm):
    email = forms.EmailField(required=True)
    shop_name = forms.CharField(max_length=100, help_text="Shown to shoppers on your listings.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "shop_name")


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    pass
