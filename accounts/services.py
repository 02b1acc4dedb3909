"""Writes for user accounts."""

from .models import User


def user_create(
    *, username: str, email: str, password: str, role: str = User.Role.BUYER, shop_name: str = ""
) -> User:
    """Create a buyer or a seller account with a hashed password."""
    user = User(username=username, email=email, role=role, shop_name=shop_name)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user
