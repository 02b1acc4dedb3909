from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject

from marketplace.pages import CAROUSELS_SECONDS, PAGE_SIZE

from . import policies, selectors
from .forms import CatalogFilterForm
from .models import Product, ProductEvent
from .services import event_log
from .sizes import size_chart


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
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "facets": facets, "filters": filters, "query": query.urlencode()}
    if filters.photo:
        from .photos import photo_search_ids

        context["photo_expired"] = photo_search_ids(key=filters.photo) is None
    return render(request, "main/catalog.html", context)


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
