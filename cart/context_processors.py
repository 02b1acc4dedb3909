from .badge import badge_quantity


def cart_summary(request) -> dict:
    return {"cart_quantity": lambda: badge_quantity(request=request)}
