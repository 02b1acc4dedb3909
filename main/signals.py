"""What the catalog tells the apps built on it, so that it never imports them: recommendations
react to a shopper opening a product and to a seller listing one."""

from django.dispatch import Signal

# A shopper opened a listed product's page: ``request``, ``product``.
product_viewed = Signal()
# A seller listed or changed a product (``main.services``): ``product``.
product_listed = Signal()
