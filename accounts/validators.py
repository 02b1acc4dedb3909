"""Indian postal and phone formats for saved addresses (what couriers and payment providers accept)."""

import re

from django.core.exceptions import ValidationError

PIN_CODE_LENGTH = 6
MOBILE_LENGTH = 10
# India Post PINs start 1-9 (no zone 0); mobile numbers start 6-9 (TRAI numbering plan).
_PIN_CODE = re.compile(rf"^[1-9][0-9]{{{PIN_CODE_LENGTH - 1}}}$")
_MOBILE = re.compile(rf"^[6-9][0-9]{{{MOBILE_LENGTH - 1}}}$")


def validate_pin_code(value: str) -> None:
    """A 6-digit India Post PIN code, e.g. 560001."""
    if not _PIN_CODE.match(value or ""):
        raise ValidationError(
            "Enter a 6-digit PIN code that does not start with 0, e.g. 560001.", code="invalid_pin_code"
        )


def validate_indian_mobile(value: str) -> None:
    """A 10-digit Indian mobile number without +91 or a leading 0, e.g. 9876543210."""
    if not _MOBILE.match(value or ""):
        raise ValidationError(
            "Enter a 10-digit mobile number starting with 6, 7, 8 or 9, without +91 or 0, "
            "e.g. 9876543210.",
            code="invalid_mobile",
        )


def normalise_indian_mobile(value: str) -> str:
    """Drop spaces, dashes, a +91/91 country code or a trunk 0, as people type them."""
    digits = re.sub(r"[\s\-().]", "", value or "")
    if digits.startswith("+91"):
        digits = digits[3:]
    elif len(digits) == MOBILE_LENGTH + 2 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == MOBILE_LENGTH + 1 and digits.startswith("0"):
        digits = digits[1:]
    return digits


UPI_ID_MAX_LENGTH = 100
# A UPI virtual payment address: a handle, "@", the payment app's bank code (NPCI format).
_UPI_ID = re.compile(r"^[A-Za-z0-9._-]{2,64}@[A-Za-z][A-Za-z0-9]{1,31}$")


def validate_upi_id(value: str) -> None:
    """A UPI ID such as yourshop@okhdfc, where a seller's takings are paid."""
    if not _UPI_ID.match(value or ""):
        raise ValidationError("Enter a UPI ID like yourname@okhdfc.", code="invalid_upi_id")
