"""``{% experiment_strategy "surface" as strategy %}``: the strategy a shopper gets on a
surface (the variant of the running experiment, else the shipped default, else ""), with
their exposure queued. Loaded by the catalog's templates (``{% load experiments %}``), which
hand the answer to the recommendations' tags: neither app imports this one."""

from django import template

from core.page_cache import note

from ..services import strategy_shown

register = template.Library()


@register.simple_tag(takes_context=True)
def experiment_strategy(context, surface: str) -> str:
    request = context.get("request")
    if request is not None:
        note(request, "experiment", surface)  # a page cached for every shopper logs it per reader
    return strategy_shown(request=request, surface=surface)


DASH = "—"  # a figure that is not defined yet (nothing exposed, nobody converted)
SMALLEST_P = 0.0001  # p-values below this read as "< 0.0001": more digits mean nothing


@register.filter
def percent(value) -> str:
    """0.05123 → "5.12%"."""
    return DASH if value is None else f"{value:.2%}"


@register.filter
def points(value) -> str:
    """A difference of rates in percentage points, signed: 0.0102 → "+1.02 pp"."""
    return DASH if value is None else f"{value * 100:+.2f} pp"


@register.filter
def signed_percent(value) -> str:
    return DASH if value is None else f"{value:+.1%}"


@register.filter
def p_value(value) -> str:
    if value is None:
        return DASH
    return f"< {SMALLEST_P}" if value < SMALLEST_P else f"{value:.4f}"
