from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from .forms import BuyerSignUpForm, LoginForm, SellerSignUpForm
from .models import User
from .services import user_create


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
