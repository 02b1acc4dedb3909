"""How the shop writes an amount of money: whole rupees, grouped the Indian way."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def rupees(amount: Decimal | int | float | str) -> str:
    """"₹1,299", "₹12,499", "₹1,00,000": rounded half up to whole rupees; after the last three
    digits, commas every two (lakh, crore), as shoppers in India read prices."""
    value = int(Decimal(str(amount)).quantize(Decimal(1), ROUND_HALF_UP))
    digits = str(abs(value))
    head, groups = digits[:-3], [digits[-3:]]
    while head:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return f"{'-' if value < 0 else ''}₹{','.join(groups)}"
