"""Writes for user accounts and their saved addresses."""

from __future__ import annotations

from django.db import transaction

from .models import Address, User


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

ADDRESS_FIELDS = ("full_name", "phone", "line1", "line2", "city", "state", "pin_code")


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
