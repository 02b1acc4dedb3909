"""Writes for user accounts and their saved addresses."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import ADDRESS_FIELDS, Address, User
from .signals import account_deleting, seller_verified


def user_create(
    *, username: str, email: str, password: str, role: str = User.Role.BUYER, shop_name: str = ""
) -> User:
    """Create a buyer or a seller account with a hashed password."""
    user = User(username=username, email=email, role=role, shop_name=shop_name)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


# ---- saved addresses ----


def _make_only_default(*, address: Address) -> None:
    """At most one default per owner (a database constraint): clear the others first."""
    Address.objects.filter(owner_id=address.owner_id, is_default=True).exclude(pk=address.pk).update(
        is_default=False
    )


@transaction.atomic
def address_create(
    *,
    owner: User,
    full_name: str,
    phone: str,
    line1: str,
    city: str,
    state: str,
    pin_code: str,
    line2: str = "",
    is_default: bool = False,
) -> Address:
    """Save an address; a user's first address is their default whatever they ticked."""
    is_default = is_default or not Address.objects.filter(owner=owner).exists()
    address = Address(
        owner=owner,
        full_name=full_name,
        phone=phone,
        line1=line1,
        line2=line2,
        city=city,
        state=state,
        pin_code=pin_code,
        is_default=is_default,
    )
    if is_default:
        _make_only_default(address=address)  # first: full_clean checks the constraint
    address.full_clean()
    address.save()
    return address


@transaction.atomic
def address_update(*, address: Address, is_default: bool | None = None, **fields: str) -> Address:
    """Change an address's fields (any of ``ADDRESS_FIELDS``) and whether it is the default.

    The default cannot be unticked on its own: another address has to become the default.
    """
    unknown = set(fields) - set(ADDRESS_FIELDS)
    if unknown:
        raise TypeError(f"Not address fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(address, name, value)
    if is_default:
        address.is_default = True
    if address.is_default:
        _make_only_default(address=address)  # first: full_clean checks the constraint
    address.full_clean()
    address.save()
    return address


@transaction.atomic
def address_delete(*, address: Address) -> None:
    """Delete an address; if it was the default, the newest remaining one becomes the default."""
    owner_id, was_default = address.owner_id, address.is_default
    address.delete()
    if was_default:
        successor = Address.objects.filter(owner_id=owner_id).order_by("-created", "-pk").first()
        if successor is not None:
            successor.is_default = True
            successor.save(update_fields=["is_default"])


# ---- email verification (sellers) ----

EMAIL_VERIFICATION_SALT = "accounts.email-verification"
VERIFICATION_SUBJECT = "Confirm your email to put your Threadline shop live"


class VerificationError(Exception):
    """A verification link that is forged, expired, or for an email the account no longer has."""


def email_verification_token(*, user: User) -> str:
    """A signed, timestamped token naming the account and the address it proves."""
    return signing.dumps({"user": user.pk, "email": user.email}, salt=EMAIL_VERIFICATION_SALT)


def email_verification_link(*, user: User, request) -> str:
    """The absolute link that proves the address (valid EMAIL_VERIFICATION_MAX_AGE)."""
    token = email_verification_token(user=user)
    return request.build_absolute_uri(reverse("accounts:verify_email", args=[token]))


def email_verification_mail_send(*, user_id: int, link: str) -> None:
    """Mail the seller the verification link (the task's work; nothing if the account is gone)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    context = {"user": user, "link": link, "valid_hours": settings.EMAIL_VERIFICATION_MAX_AGE // 3600}
    send_mail(
        subject=VERIFICATION_SUBJECT,
        message=render_to_string("accounts/email/verify_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def email_verify(*, token: str) -> User:
    """Mark the address verified and put the listings held until then live."""
    try:
        payload = signing.loads(
            token, salt=EMAIL_VERIFICATION_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE
        )
    except signing.SignatureExpired:
        raise VerificationError("This link has expired: ask for a new one below.") from None
    except signing.BadSignature:
        raise VerificationError("This link is not valid.") from None
    user = User.objects.select_for_update().filter(pk=payload.get("user"), is_active=True).first()
    if user is None or user.email != payload.get("email"):
        raise VerificationError("This link is not valid.")
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        seller_verified.send(sender=User, seller=user)
    return user


# ---- password reset ----

PASSWORD_RESET_EMAIL_TEMPLATE = "accounts/email/password_reset.txt"
PASSWORD_RESET_SUBJECT_TEMPLATE = "accounts/email/password_reset_subject.txt"


def password_reset_mail_send(*, email: str, domain: str, use_https: bool) -> None:
    """Mail a reset link to each active account at ``email`` with a usable password (none: no mail).

    Django's reset form, run by the task rather than the request, so that the request does
    the same work for an address with an account and one without.
    """
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(
            domain_override=domain,
            use_https=use_https,
            email_template_name=PASSWORD_RESET_EMAIL_TEMPLATE,
            subject_template_name=PASSWORD_RESET_SUBJECT_TEMPLATE,
        )


# ---- sessions, shop details, deleting an account ----


def user_logout_other_sessions(*, user: User) -> None:
    """Invalidate every session of the user (each carries a hash salted with the generation).

    The caller keeps its own session with ``update_session_auth_hash``. This works for the
    ``cached_db`` engine too: a session still in the cache fails the hash check all the same.
    """
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


def seller_details_update(*, user: User, shop_name: str, payout_upi_id: str) -> User:
    """The shop's public name and where its takings are paid."""
    user.shop_name = shop_name
    user.payout_upi_id = payout_upi_id
    user.full_clean(exclude=["password"])
    user.save(update_fields=["shop_name", "payout_upi_id"])
    return user


DELETED_SHOP_NAME = "Closed shop"
DELETED_NAME_RANDOM_CHARS = 12


@transaction.atomic
def user_delete_account(*, user: User) -> None:
    """Erase the person and keep the books.

    Orders reference the user (PROTECT) from both sides, so the row stays, anonymised and
    unusable: no name, email, password, addresses, cart, browsing history or sessions. Orders
    keep their lines and totals; the buyer's name and address on them are erased. A seller's
    listings are taken down. The apps that own those (cart, orders, main) do their part on
    ``account_deleting``, in this transaction.
    """
    from axes.models import AccessAttempt

    old_username = user.username
    account_deleting.send(sender=User, user=user)
    Address.objects.filter(owner=user).delete()
    AccessAttempt.objects.filter(username=old_username).delete()

    # Random too: anyone may sign up as "deleted-7"; the anonymised name must not collide.
    user.username = f"deleted-{user.pk}-{uuid.uuid4().hex[:DELETED_NAME_RANDOM_CHARS]}"
    user.email = ""
    user.first_name = user.last_name = ""
    if user.shop_name:
        user.shop_name = DELETED_SHOP_NAME
    user.payout_upi_id = ""
    user.email_verified_at = None
    user.is_active = user.is_staff = user.is_superuser = False
    user.deleted_at = timezone.now()
    user.set_unusable_password()  # also fails every session's auth hash
    user.session_generation += 1
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


def login_lockout_clear(*, username: str) -> None:
    """Lift the login lock-out of an account (its failed attempts are forgotten)."""
    from axes.utils import reset

    reset(username=username)
