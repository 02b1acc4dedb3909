import hashlib

from django.core.cache import cache
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe

from core.pages import CAROUSELS_SECONDS, FACETS_SECONDS, PAGE_SIZE

from . import policies, selectors
from .filter_links import PRICE_TYPED, facet_links, filter_pairs, listing_query
from .forms import MAX_QUERY_LENGTH, CatalogFilterForm
from .models import Product, ProductEvent
from .photos import photo_search_ids
from .selectors import CatalogFilters
from .services import event_log
from .sizes import size_chart
from .suggest import suggestions


def home(request):
    from .ml_bridge import feed_for_request, only_trending

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
    filters = CatalogFilterForm(request.GET).filters()
    page, facets = selectors.catalog_page(filters=filters, number=request.GET.get("page"), size=PAGE_SIZE)
    return render(request, "main/catalog.html", catalog_context(filters=filters, page=page, facets=facets))


def catalog_context(
    *, filters: CatalogFilters, page, facets: selectors.Facets, listing: str = "catalog"
) -> dict:
    """What the listing template shows: one place, for every page that lists products (the
    catalog, and pages built on it such as a search by photo, which names itself in
    ``listing`` so that its cached facet panel is its own)."""
    panel, chips, clear_all = facet_panel(filters=filters, facets=facets, listing=listing)
    return {
        "page": page,
        "facets": facets,
        "filters": filters,
        "facet_panel": mark_safe(panel),  # drawn by our own template, which escaped every value
        "chips": chips,
        "clear_all": clear_all,
        "query": listing_query(filters),  # without the page: what the page links add it to
        "keep_for_sort": filter_pairs(filters, without=("sort",)),  # the sort form's hidden fields
        "summary": selectors.search_summary(q=filters.q),
        "photo_expired": bool(filters.photo) and photo_search_ids(key=filters.photo) is None,
    }


def facet_panel(*, filters: CatalogFilters, facets: selectors.Facets, listing: str) -> tuple[str, list, str]:
    """The facets drawn (HTML), the chips and the "clear all" link, cached per filter set for as
    long as the counts they show: a few hundred facet links take longer to draw than the page's
    products, and the same filter set is drawn again and again."""
    key = f"facet-panel:{listing}:" + hashlib.sha1(listing_query(filters).encode()).hexdigest()
    panel = cache.get(key)
    if panel is None:
        chips, clear_all = facet_links(facets=facets, filters=filters)
        html = render_to_string("main/_facets.html", {
            "facets": facets,
            "filters": filters,
            # The other filters, as hidden fields of the form that sets the typed price.
            "keep_for_price": filter_pairs(filters, without=PRICE_TYPED),
        })
        panel = (str(html), chips, clear_all)
        cache.set(key, panel, FACETS_SECONDS)
    return panel


SUGGESTIONS_SHOWN = 8
SUGGEST_BROWSER_SECONDS = 60  # what a browser may reuse while the shopper types the same again


def suggest(request):
    """Suggestions for the search box as JSON: ``{"q": …, "suggestions": [{kind, label, url, …}]}``."""
    q = request.GET.get("q", "")[:MAX_QUERY_LENGTH]
    response = JsonResponse({"q": q, "suggestions": suggestions(q=q, limit=SUGGESTIONS_SHOWN)})
    patch_cache_control(response, public=True, max_age=SUGGEST_BROWSER_SECONDS)
    return response


def photo_search(request):
    """Search by photo: the upload (a file, a phone's camera, or a photo dropped on the page)
    becomes a catalog page of the products that look most like it, with its facets."""
    from . import photos
    from .forms import PhotoSearchForm

    form = PhotoSearchForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            search = photos.photo_search(image=form.cleaned_data["photo"])
        except photos.PhotoRefused as error:
            form.add_error("photo", str(error))
        except photos.ModelUnavailable:
            form.add_error(None, "Search by photo is not available yet: try again later, or search by words.")
            status = 503
        else:
            return redirect(photos.catalog_url(search=search))
    elif request.method == "POST":
        status = 400
    return render(request, "main/photo_search.html", {"form": form}, status=status)


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
    from .ml_bridge import carousels_for, recommendations_version

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
            "carousels_seconds": CAROUSELS_SECONDS,
        },
    )


def size_chart_page(request, slug: str):
    if slug not in policies.SIZE_CHARTS:
        raise Http404("No such size chart")
    measure, rows = policies.SIZE_CHARTS[slug]
    return render(request, "main/size_chart.html", {"slug": slug, "measure": measure, "rows": rows})
