from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject

from core.page_cache import shared_page

from . import policies, selectors
from .models import Product
from .signals import product_viewed
from .sizes import SIZE_CHARTS, size_chart


def home(request):
    """The shop's front page: its feed (drawn by ``recommendations``' ``{% home_feed %}``) and
    the departments."""
    return render(request, "main/home.html", {"departments": SimpleLazyObject(selectors.departments)})


def product_detail(request, dataset_id: int):
    try:
        product = selectors.product_for_page(dataset_id=dataset_id, seller_id=_own_listings(request))
    except Product.DoesNotExist:
        raise Http404("No such product") from None
    return _product_page(request, product)


def listing_detail(request, pk: int):
    try:
        product = selectors.product_for_page(pk=pk, seller_id=_own_listings(request))
    except Product.DoesNotExist:
        raise Http404("No such product") from None
    if product.dataset_id is not None:
        return redirect(product, permanent=True)
    return _product_page(request, product)


def _own_listings(request) -> int | None:
    """A seller may open their own unlisted products (a preview); anyone else gets a 404."""
    user = request.user
    return user.pk if user.is_authenticated and user.is_seller else None


def _product_page(request, product: Product):
    if product.is_active:  # a seller previewing their unlisted product is not a shopper's view
        product_viewed.send(sender=Product, request=request, product=product)
    sizes = list(product.sizes.all())
    context = {
        "product": product,
        "sizes": sizes,
        "one_size": len(sizes) == 1,
        "size_chart": size_chart(sizes=tuple(size.label for size in sizes)),
        "policies": policies,
    }
    return shared_page(
        request,
        page="product",
        key=selectors.product_page_key(product=product, sizes=sizes),
        render=lambda: render(request, "main/product.html", context),
    )


def size_chart_page(request, slug: str):
    if slug not in SIZE_CHARTS:
        raise Http404("No such size chart")
    chart = SIZE_CHARTS[slug]
    context = {"slug": slug, "measure": chart.measure, "rows": chart.rows}
    return render(request, "main/size_chart.html", context)
