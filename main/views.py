from dataclasses import replace

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject

from . import policies, selectors
from .models import Product, ProductEvent
from .services import event_log
from .sizes import size_chart

PAGE_SIZE = 24
CAROUSEL_CACHE_SECONDS = 300


def home(request):
    from .recommendations import feed_for_request, only_trending

    feed = feed_for_request(request=request, k=12)
    return render(
        request,
        "main/home.html",
        {
            "feed": feed,
            "trending": only_trending(feed),
            "departments": SimpleLazyObject(selectors.departments),
        },
    )


def catalog(request):
    filters = selectors.CatalogFilters.from_query(request.GET)
    # Counting needs no order; ranking by best match is done (and cached) apart, below.
    unranked = replace(filters, sort="newest") if filters.sort == "relevance" else filters
    products = selectors.product_search(filters=unranked)
    facets = selectors.catalog_facets(products=products, filters=filters)
    if filters.sort == "relevance":
        # Best match: page through the cached ranking, then fetch that page's products.
        ranked = selectors.best_match_ids(filters=filters)
        page = Paginator(ranked, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = selectors.products_by_ids(ids=list(page.object_list), in_stock_only=False)
    else:
        paginator = Paginator(
            products.only("id", "dataset_id", "name", "price", "image", "stock", "created_at"),
            PAGE_SIZE,
        )
        # The facet query already counted the result: the paginator need not count again.
        paginator.count = facets.total
        page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "main/catalog.html",
        {"page": page, "facets": facets, "filters": filters, "query": query.urlencode()},
    )


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
    from .recommendations import carousels_for, recommendations_version

    if product.is_active:  # a seller previewing their unlisted product is not a shopper's view
        event_log(request=request, product_id=product.pk, kind=ProductEvent.Kind.VIEW)
    sizes = list(product.sizes.all())
    return render(
        request,
        "main/product.html",
        {
            "product": product,
            "sizes": sizes,
            "one_size": len(sizes) == 1,
            "size_chart": size_chart(sizes=tuple(size.label for size in sizes)),
            "policies": policies,
            # Computed only when the carousels' cached fragment is rendered afresh.
            "carousels": SimpleLazyObject(lambda: carousels_for(product=product)),
            "carousels_version": recommendations_version(),
            "carousels_seconds": CAROUSEL_CACHE_SECONDS,
        },
    )


def size_chart_page(request, slug: str):
    if slug not in policies.SIZE_CHARTS:
        raise Http404("No such size chart")
    measure, rows = policies.SIZE_CHARTS[slug]
    return render(request, "main/size_chart.html", {"slug": slug, "measure": measure, "rows": rows})
