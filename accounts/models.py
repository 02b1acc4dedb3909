from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac

from .validators import (
    MOBILE_LENGTH,
    PIN_CODE_LENGTH,
    UPI_ID_MAX_LENGTH,
    validate_indian_mobile,
    validate_pin_code,
    validate_upi_id,
)


class User(AbstractUser):
    """A shop user. Buyers and sellers are separate roles: a seller lists products."""

    class Role(models.TextChoices):
        BUYER = "buyer", "Buyer"
        SELLER = "seller", "Seller"

    role = models.CharField(max_length=10, choices=Role.choices, default=Role.BUYER)
    shop_name = models.CharField(max_length=100, blank=True)
    # A seller's listings go live only once the address they sell under is proven theirs.
    email_verified_at = models.DateTimeField(null=True, blank=True)
    payout_upi_id = models.CharField(
        "payout UPI ID",
        max_length=UPI_ID_MAX_LENGTH,
        blank=True,
        validators=[validate_upi_id],
        help_text="Where the shop's takings are paid, e.g. yourshop@okhdfc.",
    )
    # Part of every session's auth hash: bumping it logs the user out of every other session.
    session_generation = models.PositiveIntegerField(default=0)
    deleted_at = models.DateTimeField(null=True, blank=True, help_text="When the owner deleted the account.")

    @property
    def is_seller(self) -> bool:
        return self.role == self.Role.SELLER

    @property
    def is_email_verified(self) -> bool:
        return self.email_verified_at is not None

    def _get_session_auth_hash(self, secret=None):
        """Django's hash of the password (also used with SECRET_KEY_FALLBACKS), salted with
        ``session_generation`` once that was bumped: generation 0 keeps Django's own hash, so
        the sessions from before this field existed stay valid."""
        if not self.session_generation:
            return super()._get_session_auth_hash(secret=secret)
        key_salt = "accounts.User.get_session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_generation}", secret=secret, algorithm="sha256"
        ).hexdigest()

    def __str__(self) -> str:
        return self.shop_name or self.username


# An address line's length: a saved address's and an order's (which once held both lines in one).
ADDRESS_LINE_LENGTH = 250


class PostalAddress(models.Model):
    """Where a parcel goes (India only, as the shop ships): the one definition of an address's
    fields, shared by a saved ``Address`` and the copy an order keeps (``orders.Order``)."""

    full_name = models.CharField(max_length=120)
    phone = models.CharField(
        max_length=MOBILE_LENGTH, validators=[validate_indian_mobile], help_text="10-digit mobile number."
    )
    line1 = models.CharField("address line 1", max_length=ADDRESS_LINE_LENGTH)
    line2 = models.CharField("address line 2", max_length=ADDRESS_LINE_LENGTH, blank=True)
    city = models.CharField(max_length=80)
    state = models.CharField(max_length=80)
    pin_code = models.CharField("PIN code", max_length=PIN_CODE_LENGTH, validators=[validate_pin_code])

    class Meta:
        abstract = True

    @property
    def one_line(self) -> str:
        """The address on one line, as an order or a courier label shows it."""
        parts = [self.line1, self.line2, self.city, f"{self.state} {self.pin_code}".strip()]
        return ", ".join(part for part in parts if part)


# The names of an address's fields, in form order.
ADDRESS_FIELDS = tuple(field.name for field in PostalAddress._meta.fields)


class Address(PostalAddress):
    """A delivery address a user saved for checkout."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses")
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
