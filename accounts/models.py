from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

from .validators import MOBILE_LENGTH, PIN_CODE_LENGTH, validate_indian_mobile, validate_pin_code


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


class Address(models.Model):
    """A delivery address a user saved for checkout (India only, as the shop ships)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses")
    full_name = models.CharField(max_length=120)
    phone = models.CharField(
        max_length=MOBILE_LENGTH, validators=[validate_indian_mobile], help_text="10-digit mobile number."
    )
    line1 = models.CharField("address line 1", max_length=200)
    line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=80)
    state = models.CharField(max_length=80)
    pin_code = models.CharField("PIN code", max_length=PIN_CODE_LENGTH, validators=[validate_pin_code])
    is_default = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "-created", "-pk"]
        verbose_name_plural = "addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["owner"], condition=models.Q(is_default=True), name="one_default_address_per_owner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.city} {self.pin_code}"

    @property
    def one_line(self) -> str:
        """The address on one line, as an order or a courier label shows it."""
        parts = [self.line1, self.line2, self.city, f"{self.state} {self.pin_code}"]
        return ", ".join(part for part in parts if part)
