"""The review pages: writing one (verified buyers), every review of a product, a "helpful"
vote, and staff hiding or showing one again. The rules are the services'; a refusal is shown
with its reason."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.redirects import safe_next
from main.models import Product

from . import selectors, services
from .forms import HideForm, ReviewForm
from .models import Review

REVIEWS_PER_PAGE = 10
ANCHOR = "#reviews"


def _listed(pk: int) -> Product:
    product = Product.objects.filter(pk=pk, is_active=True).select_related("seller").first()
    if product is None:
        raise Http404("No such product")
    return product


@login_required
@require_http_methods(["GET", "POST"])
def review_write(request, product_pk: int):
    product = _listed(product_pk)
    eligibility = selectors.review_eligibility(user=request.user, product=product)
    form = ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.review_create(author=request.user, product=product, **form.cleaned_data)
            except services.ReviewRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, "Thank you: your review is on the product page.")
                return redirect(product.get_absolute_url() + ANCHOR)
        status = 400
    return render(request, "reviews/write.html",
                  {"product": product, "form": form, "eligibility": eligibility}, status=status)


def product_review_list(request, product_pk: int):
    """Every visible review of a product, newest or most helpful first, a page at a time."""
    product = _listed(product_pk)
    order = request.GET.get("sort", "newest")
    order = order if order in selectors.REVIEW_ORDERS else "newest"
    page = Paginator(selectors.product_reviews(product_id=product.pk, order=order),
                     REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reviews/list.html", {
        "product": product,
        "summary": selectors.product_summary(product_id=product.pk),
        "page": page,
        "order": order,
        "orders": selectors.REVIEW_ORDER_LABELS,
        "voted": selectors.voted_reviews(voter=request.user, review_ids=[r.pk for r in page]),
    })


@login_required
@require_POST
def review_helpful(request, pk: int):
    review = get_object_or_404(Review.objects.select_related("product"), pk=pk, hidden=False)
    try:
        counted = services.review_vote_helpful(review=review, voter=request.user)
    except services.ReviewRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Thanks for your vote." if counted else "You already found this helpful.")
    return _back(request, review)


@staff_member_required
@require_POST
def review_hide(request, pk: int):
    review = get_object_or_404(Review.objects.select_related("product", "author"), pk=pk)
    form = HideForm(request.POST)
    form.is_valid()
    try:
        services.review_hide(review=review, by=request.user, reason=form.cleaned_data.get("reason", ""))
    except services.ReviewRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "The review is hidden: it no longer shows or counts in the rating.")
    return _back(request, review)


@staff_member_required
@require_POST
def review_unhide(request, pk: int):
    review = get_object_or_404(Review.objects.select_related("product", "author"), pk=pk)
    try:
        services.review_unhide(review=review, by=request.user)
    except services.ReviewRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "The review shows again.")
    return _back(request, review)


def _back(request, review: Review):
    return redirect(safe_next(request=request, target=request.POST.get("next"))
                    or review.product.get_absolute_url() + ANCHOR)
