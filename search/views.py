import hashlib

from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe

from core.page_cache import shared_page
from core.pages import FACETS_SECONDS, PAGE_SIZE
from main.categorize import PhotoRefused
from main.selectors import page_version
from serving.registry import ModelUnavailable

from . import photos
from .filter_links import PRICE_TYPED, facet_links, filter_pairs, listing_query
from .forms import MAX_QUERY_LENGTH, CatalogFilterForm, PhotoSearchForm
from .listing import CatalogFilters, Facets, catalog_page, popular_products, search_summary
from .photos import photo_search_ids
from .suggest import suggestions


def catalog(request):
    filters = CatalogFilterForm(request.GET).filters()

    def draw():
        page, facets = catalog_page(filters=filters, number=request.GET.get("page"), size=PAGE_SIZE)
        context = catalog_context(filters=filters, page=page, facets=facets)
        return render(request, "search/catalog.html", context)

    if filters.photo:  # a search by photo's results live as long as its upload's ids
        return draw()
    return shared_page(request, page="catalog", key=f"catalog|{page_version()}", render=draw)


def catalog_context(
    *, filters: CatalogFilters, page, facets: Facets, listing: str = "catalog"
) -> dict:
    """What the listing template shows: one place, for every page that lists products (the
    catalog, and pages built on it such as a search by photo, which names itself in
    ``listing`` so that its cached facet panel is its own)."""
    panel, chips, clear_all = facet_panel(filters=filters, facets=facets, listing=listing)
    summary = search_summary(q=filters.q)
    return {
        "page": page,
        "facets": facets,
        "filters": filters,
        "facet_panel": mark_safe(panel),  # drawn by our own template, which escaped every value
        "chips": chips,
        "clear_all": clear_all,
        "query": listing_query(filters),  # without the page: what the page links add it to
        "keep_for_sort": filter_pairs(filters, without=("sort",)),  # the sort form's hidden fields
        "summary": summary,
        # A search read as nothing the shop has lists nothing; popular products, labelled.
        "popular": popular_products() if summary is not None and not summary.found else [],
        "photo_expired": bool(filters.photo) and photo_search_ids(key=filters.photo) is None,
    }


def facet_panel(*, filters: CatalogFilters, facets: Facets, listing: str) -> tuple[str, list, str]:
    """The facets drawn (HTML), the chips and the "clear all" link, cached per filter set for as
    long as the counts they show: a few hundred facet links take longer to draw than the page's
    products, and the same filter set is drawn again and again."""
    key = f"facet-panel:{listing}:" + hashlib.sha1(listing_query(filters).encode()).hexdigest()
    panel = cache.get(key)
    if panel is None:
        chips, clear_all = facet_links(facets=facets, filters=filters)
        html = render_to_string("search/_facets.html", {
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
    form = PhotoSearchForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            search = photos.photo_search(image=form.cleaned_data["photo"])
        except PhotoRefused as error:
            form.add_error("photo", str(error))
        except ModelUnavailable:
            form.add_error(None, "Search by photo is not available yet: try again later, or search by words.")
            status = 503
        else:
            return redirect(photos.catalog_url(search=search))
    elif request.method == "POST":
        status = 400
    return render(request, "search/photo_search.html", {"form": form}, status=status)
