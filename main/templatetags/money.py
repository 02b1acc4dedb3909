from django import template

from main.money import rupees as format_rupees

register = template.Library()


@register.filter
def rupees(amount) -> str:
    """``{{ product.price|rupees }}`` → "₹1,299" (see :func:`main.money.rupees`)."""
    return "" if amount in (None, "") else format_rupees(amount)
