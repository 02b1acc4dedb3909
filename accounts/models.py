from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A shop user. Buyers and sellers are separate roles: a seller lists products."""

    class Role(models.TextChoices):
        BUYER = "buyer", "Buyer"
        SELLER = "seller", "Seller"

    role = models.CharField(max_length=10, choices=Role.choices, default=Role.BUYER)
    shop_name = models.CharField(max_length=100, blank=True)

    @property
    def is_seller(self) -> bool:
        return self.role == self.Role.SELLER

    def __str__(self) -> str:
        return self.shop_name or self.username
