from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cart.selectors import orders_for_buyer

from . import selectors, services
from .forms import AddressForm, BuyerSignUpForm, LoginForm, SellerSignUpForm
from .models import User
from .services import user_create

RECENT_ORDERS_SHOWN = 5  # the account page's order history; "My orders" has them all


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
        return redirect(next_url)
    return render(request, template, {"form": form})


def _safe_next(request) -> str | None:
    target = request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return None


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
            "recent_orders": orders_for_buyer(buyer=request.user)[:RECENT_ORDERS_SHOWN],
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
