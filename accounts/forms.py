from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    UserCreationForm,
)

from core.forms import BootstrapFormMixin

from . import tasks
from .models import Address, User
from .validators import normalise_indian_mobile, validate_indian_mobile


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


class AddressForm(BootstrapFormMixin, forms.ModelForm):
    """A saved address. The phone is accepted as people type it (+91, spaces) and stored as 10 digits."""

    class Meta:
        model = Address
        fields = ("full_name", "phone", "line1", "line2", "city", "state", "pin_code", "is_default")
        labels = {"is_default": "Use as my default delivery address"}
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel-national"}),
            "pin_code": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "state": forms.TextInput(attrs={"autocomplete": "address-level1"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A typed "+91 98765 43210" or "560 001" would fail max_length before it is normalised;
        # the model's validators check the normalised value.
        for name in ("phone", "pin_code"):
            field = self.fields[name]
            field.max_length = None
            field.validators = []
            field.widget.attrs.pop("maxlength", None)

    def clean_phone(self) -> str:
        phone = normalise_indian_mobile(self.cleaned_data["phone"])
        validate_indian_mobile(phone)
        return phone

    def clean_pin_code(self) -> str:
        return self.cleaned_data["pin_code"].replace(" ", "")


class ShopPasswordResetForm(BootstrapFormMixin, PasswordResetForm):
    def save(self, *, domain_override=None, use_https=False, request=None, **kwargs) -> None:
        """Queue the mail (``tasks``): the lookup of the address happens in the task, not here."""
        tasks.password_reset_mail_on_commit(
            email=self.cleaned_data["email"],
            domain=domain_override or request.get_host(),
            use_https=use_https,
        )


class ShopSetPasswordForm(BootstrapFormMixin, SetPasswordForm):
    pass


class ShopPasswordChangeForm(BootstrapFormMixin, PasswordChangeForm):
    pass


class SellerDetailsForm(BootstrapFormMixin, forms.ModelForm):
    """The shop's public name and where its takings are paid."""

    class Meta:
        model = User
        fields = ("shop_name", "payout_upi_id")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shop_name"].required = True
        self.fields["shop_name"].help_text = "Shown to shoppers on your listings."


class AccountDeleteForm(BootstrapFormMixin, forms.Form):
    """Deleting an account cannot be undone: the owner confirms with their password."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        """Checked through ``authenticate``: wrong guesses count towards the login lock-out."""
        password = self.cleaned_data["password"]
        user = self.request.user
        if authenticate(self.request, username=user.get_username(), password=password) != user:
            raise forms.ValidationError("That is not your password.", code="password_incorrect")
        return password
