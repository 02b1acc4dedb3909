"""Colour families and which colours go together (complete the look, reasons, simulation)."""

from __future__ import annotations

NEUTRAL_COLOURS = {
    "Black",
    "White",
    "Grey",
    "Grey Melange",
    "Charcoal",
    "Navy Blue",
    "Beige",
    "Cream",
    "Off White",
    "Silver",
    "Steel",
    "Metallic",
    "Nude",
    "Skin",
    "Taupe",
    "Khaki",
}
COLOUR_FAMILIES = {
    "blue": {"Blue", "Turquoise Blue", "Teal"},
    "red": {"Red", "Maroon", "Burgundy"},
    "pink": {"Pink", "Magenta", "Peach", "Rose"},
    "purple": {"Purple", "Lavender", "Mauve"},
    "green": {"Green", "Olive", "Sea Green", "Lime Green", "Fluorescent Green"},
    "yellow": {"Yellow", "Mustard"},
    "orange": {"Orange", "Rust"},
    "earth": {"Brown", "Tan", "Coffee Brown", "Mushroom Brown", "Bronze", "Copper", "Gold"},
}
# Classic pairs of families that go together (besides a family with itself).
HARMONIOUS_FAMILIES = {
    frozenset(p)
    for p in [
        ("blue", "earth"),
        ("blue", "yellow"),
        ("blue", "orange"),
        ("blue", "pink"),
        ("green", "earth"),
        ("orange", "earth"),
        ("yellow", "earth"),
        ("red", "earth"),
        ("pink", "purple"),
        ("purple", "yellow"),
        ("red", "blue"),
    ]
}
_FAMILY_OF = {colour: family for family, colours in COLOUR_FAMILIES.items() for colour in colours}


def colour_family(colour: str) -> str:
    """``"neutral"``, a family name such as ``"blue"``, or ``"other"`` (Multi, unknown)."""
    if colour in NEUTRAL_COLOURS:
        return "neutral"
    return _FAMILY_OF.get(colour, "other")


def colours_go_together(a: str, b: str) -> bool:
    """Neutrals go with anything; otherwise same family or a classic pair."""
    fa, fb = colour_family(a), colour_family(b)
    if "neutral" in (fa, fb) or a == b:
        return True
    if "other" in (fa, fb):
        return False
    return fa == fb or frozenset((fa, fb)) in HARMONIOUS_FAMILIES
