import logging
from smtplib import SMTPException

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from core.redirects import safe_next

from . import selectors, services, tasks
from .decorators import seller_required
from .forms import (
    AccountDeleteForm,
    AddressForm,
    BuyerSignUpForm,
    LoginForm,
    SellerDetailsForm,
    SellerSignUpForm,
    ShopPasswordChangeForm,
    ShopPasswordResetForm,
    ShopSetPasswordForm,
)
from .models import User
from .services import user_create

logger = logging.getLogger(__name__)

SECONDS_PER_MINUTE = 60
RECENT_ORDERS_SHOWN = 5  # the account page's order history; "My orders" has them all
RESEND_INTERVAL_SECONDS = 60  # one verification email a minute per seller, at most


def _signup(request, *, form_class, role: str, template: str, next_url: str):
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_create(
            username=form.cleaned_data["username"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            role=role,
            shop_name=form.cleaned_data.get("shop_name", ""),
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}!")
        if user.is_seller:
            try:
                tasks.email_verification_on_commit(user=user, request=request)
            except (OSError, SMTPException):  # the account exists: the banner offers a resend
                logger.exception("Could not send the verification email to seller %s", user.pk)
        return redirect(next_url)
    return render(request, template, {"form": form})


def _safe_next(request) -> str:
    return safe_next(request=request, target=request.GET.get("next"))


def signup(request):
    return _signup(
        request,
        form_class=BuyerSignUpForm,
        role=User.Role.BUYER,
        template="accounts/signup.html",
        next_url=_safe_next(request) or "main:home",
    )


def seller_signup(request):
    return _signup(
        request,
        form_class=SellerSignUpForm,
        role=User.Role.SELLER,
        template="accounts/seller_signup.html",
        next_url="seller_accounts:dashboard",
    )


class LoginView(auth_views.LoginView):
    """Without a ``next``, sellers land on their dashboard (what they log in for), buyers on
    the home page (``LOGIN_REDIRECT_URL``)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def get_default_redirect_url(self) -> str:
        if self.request.user.is_seller:
            return resolve_url("seller_accounts:dashboard")
        return super().get_default_redirect_url()


# ---- the account page and saved addresses ----


@login_required
def account(request):
    """Profile, saved addresses and recent orders; a seller also sees the shop's details."""
    return render(
        request,
        "accounts/account.html",
        {
            "addresses": selectors.addresses_for(user=request.user),
            "recent_orders": selectors.recent_orders(user=request.user, limit=RECENT_ORDERS_SHOWN),
        },
    )


@login_required
def address_create(request):
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.address_create(owner=request.user, **form.cleaned_data)
        messages.success(request, "Address saved.")
        return redirect(_safe_next(request) or "accounts:account")
    return render(request, "accounts/address_form.html", {"form": form, "creating": True})


@login_required
def address_edit(request, pk: int):
    address = selectors.address_of(user=request.user, pk=pk)
    form = AddressForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        services.address_update(address=address, **form.cleaned_data)
        messages.success(request, "Address updated.")
        return redirect("accounts:account")
    return render(request, "accounts/address_form.html", {"form": form, "address": address})


@login_required
@require_POST
def address_delete(request, pk: int):
    address = selectors.address_of(user=request.user, pk=pk)
    services.address_delete(address=address)
    messages.success(request, "Address deleted.")
    return redirect("accounts:account")


# ---- password reset and change (Django's views, the shop's templates) ----


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer whether or not the address has an account (no account discovery)."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = services.PASSWORD_RESET_EMAIL_TEMPLATE  # used by the task (tasks.py)
    subject_template_name = services.PASSWORD_RESET_SUBJECT_TEMPLATE
    form_class = ShopPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, "reset_valid_minutes": settings.PASSWORD_RESET_TIMEOUT // SECONDS_PER_MINUTE}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A token works once (it hashes the password) and for ``PASSWORD_RESET_TIMEOUT``.

    A reset also lifts the account's login lock-out: whoever reset it controls its email.
    """

    template_name = "accounts/password_reset_confirm.html"
    form_class = ShopSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.login_lockout_clear(username=form.user.get_username())
        services.user_logout_other_sessions(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django keeps this session logged in and (the hash being the password's) ends the others."""

    template_name = "accounts/password_change_form.html"
    form_class = ShopPasswordChangeForm
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        messages.success(self.request, "Password changed. Other devices have been logged out.")
        return super().form_valid(form)


# ---- sessions, seller details, email verification, deleting the account ----


@login_required
@require_POST
def logout_everywhere(request):
    services.user_logout_other_sessions(user=request.user)
    update_session_auth_hash(request, request.user)  # this session stays logged in
    messages.success(request, "Logged out of every other device and browser.")
    return redirect("accounts:account")


@seller_required
def seller_details(request):
    form = SellerDetailsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.seller_details_update(user=request.user, **form.cleaned_data)
        messages.success(request, "Shop details saved.")
        return redirect("accounts:account")
    return render(request, "accounts/seller_details.html", {"form": form})


@seller_required
@require_POST
def verification_resend(request):
    if request.user.is_email_verified:
        messages.info(request, "Your email is already verified.")
    elif not cache.add(f"verification-resent:{request.user.pk}", True, timeout=RESEND_INTERVAL_SECONDS):
        messages.info(request, "We sent you a link a moment ago: check your inbox, or ask again in a minute.")
    else:
        tasks.email_verification_on_commit(user=request.user, request=request)
        messages.success(request, f"We sent a new verification link to {request.user.email}.")
    return redirect(_safe_next(request) or "seller_accounts:dashboard")


def verify_email(request, token: str):
    """The link from the verification email (works in any browser: the token names the account)."""
    try:
        user = services.email_verify(token=token)
    except services.VerificationError as error:
        return render(request, "accounts/verify_email_failed.html", {"reason": str(error)}, status=400)
    messages.success(request, f"Thanks, {user.email} is verified: your listings are live.")
    return redirect("seller_accounts:dashboard" if request.user == user else "accounts:login")


@login_required
def account_delete(request):
    form = AccountDeleteForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        services.user_delete_account(user=request.user)
        logout(request)
        messages.success(request, "Your account is deleted. Thank you for shopping with us.")
        return redirect("main:home")
    return render(request, "accounts/account_delete.html", {"form": form})
