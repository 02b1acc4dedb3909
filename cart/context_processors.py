from .selectors import cart_quantity_for_request


def cart_summary(request) -> dict:
    return {"cart_quantity": lambda: cart_quantity_for_request(request=request)}
