from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.decorators import seller_required
from core.pages import PAGE_SIZE
from orders.selectors import orders_for_seller
from orders.services import OrderChangeError, order_update_status
from reviews.models import HIGHEST_RATING, LOWEST_RATING
from reviews.selectors import seller_reviews
from serving.registry import ModelUnavailable

from . import bulk, selectors, services
from .forms import BulkUploadForm, OrderStatusForm, ProductForm, SizeStockForm, bulk_review_formset

BULK_SESSION_KEY = "bulk_listing_rows"
BULK_REJECTED_SESSION_KEY = "bulk_listing_rows_to_fix"  # CSV rows that could not be read

LISTING_FIELDS = ProductForm.Meta.fields  # what a seller edits on a listing


@seller_required
def dashboard(request):
    return render(
        request,
        "seller_accounts/dashboard.html",
        {
            "counts": selectors.dashboard_counts(seller=request.user),
            "recent_orders": orders_for_seller(seller=request.user)[:5],
        },
    )


@seller_required
def product_list(request):
    q = request.GET.get("q", "")[:100]
    status = request.GET.get("status", "")
    status = status if status in selectors.LISTING_STATUSES else ""
    products = selectors.seller_products(seller=request.user, q=q, status=status)
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "seller_accounts/product_list.html", {"page": page, "q": q, "status": status})


@seller_required
def product_create(request):
    # One in stock to start with: a listing saved at 0 would be sold out the moment it is listed.
    form = ProductForm(request.POST or None, request.FILES or None, initial={"stock": 1})
    if request.method == "POST" and form.is_valid():
        product = services.listing_create(
            seller=request.user,
            photo=_chosen_photo(request, form),
            stock_by_size=form.cleaned_data["stock_by_size"],
            **{name: form.cleaned_data[name] for name in LISTING_FIELDS},
        )
        _listing_saved_message(request, product=product, verb="Listed")
        return redirect("seller_accounts:products")
    return render(request, "seller_accounts/product_form.html",
                  {"form": form, "creating": True, **_kept_photo(request, form)})


@seller_required
def product_edit(request, pk: int):
    product = selectors.seller_product(seller=request.user, pk=pk)
    form = ProductForm(request.POST or None, request.FILES or None, instance=product)
    if request.method == "POST" and form.is_valid():
        services.listing_update(
            product=product,
            photo=_chosen_photo(request, form),
            stock_by_size=form.cleaned_data["stock_by_size"],
            **{name: form.cleaned_data[name] for name in LISTING_FIELDS},
        )
        _listing_saved_message(request, product=product, verb="Saved")
        return redirect("seller_accounts:products")
    return render(request, "seller_accounts/product_form.html",
                  {"form": form, "product": product, **_kept_photo(request, form)})


KEPT_PHOTO_FIELD = "kept_photo"  # the listing form's photo kept from a send-back (bulk.stage_photo)


def _chosen_photo(request, form):
    """The photo of a valid listing form: one just chosen, else the one kept from a send-back."""
    kept = request.POST.get(KEPT_PHOTO_FIELD, "")
    photo = form.cleaned_data["photo"] or (bulk.staged_photo(name=kept, seller_id=request.user.pk)
                                           if kept else None)
    if kept:
        bulk.unstage_photos(names=[kept])
    return photo


def _kept_photo(request, form) -> dict:
    """A form sent back with errors keeps its photo (a browser cannot refill a file input):
    the photo just chosen, staged, or the one kept from an earlier send-back."""
    if not form.is_bound:
        return {}
    kept = request.POST.get(KEPT_PHOTO_FIELD, "")
    chosen = None if form.has_error("photo") else form.cleaned_data.get("photo")
    if chosen:
        if kept:
            bulk.unstage_photos(names=[kept])  # replaced by the photo just chosen
        kept = bulk.stage_photo(photo=chosen, seller_id=request.user.pk)
    elif not (kept and bulk.staged_photo(name=kept, seller_id=request.user.pk)):
        return {}
    return {"kept_photo": kept, "kept_photo_url": default_storage.url(kept)}


@seller_required
def product_stock(request, pk: int):
    """Stock per size of one listing, from the listings table."""
    product = selectors.seller_product(seller=request.user, pk=pk)
    form = SizeStockForm(request.POST or None, sizes=product.sizes.all())
    if request.method == "POST" and form.is_valid():
        services.listing_stock_set(product=product, stock_by_size=form.stock_by_size())
        messages.success(request, f"Stock of {product.name} saved: {product.stock} in all.")
        return redirect("seller_accounts:products")
    return render(request, "seller_accounts/product_stock.html", {"form": form, "product": product})


def _listing_saved_message(request, *, product, verb: str) -> None:
    if product.is_active:
        messages.success(request, f"{verb} {product.name}.")
    elif not request.user.is_email_verified:
        messages.warning(request, f"Saved {product.name}: it goes live once you verify your email.")
    else:
        messages.warning(request, f"{verb} {product.name} as an unlisted draft: add a photo to list it.")


@seller_required
@require_http_methods(["GET", "HEAD", "POST"])
def product_unlist(request, pk: int):
    """GET asks the seller to confirm an unlisting; the POST unlists, or lists again."""
    product = selectors.seller_product(seller=request.user, pk=pk)
    if request.method != "POST":
        return render(request, "seller_accounts/product_unlist.html", {"product": product})
    if not request.user.is_email_verified:
        messages.warning(request, "Verify your email first: your listings go live with it.")
    elif product.is_active:
        services.listing_unlist(product=product)
        messages.success(request, f"Unlisted {product.name}. Show “Unlisted” to find it again.")
    else:
        try:
            services.listing_relist(product=product)
        except services.ListingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Listed {product.name} again.")
    return redirect("seller_accounts:products")


@seller_required
def order_list(request):
    status = request.GET.get("status", "")
    orders = orders_for_seller(seller=request.user, status=status)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "seller_accounts/order_list.html",
        {"page": page, "status": status, "statuses": selectors.ORDER_STATUS_FILTERS},
    )


@seller_required
def order_detail(request, pk: int):
    order = selectors.seller_order(seller=request.user, pk=pk)
    form = OrderStatusForm(
        request.POST or None,
        initial={"status": order.status, "tracking_number": order.tracking_number},
        order=order,
        next_statuses=order.next_statuses,
    )
    if request.method == "POST" and form.is_valid():
        try:
            order_update_status(
                order=order,
                status=form.cleaned_data["status"],
                tracking_number=form.cleaned_data["tracking_number"],
                cash_received=form.cleaned_data.get("cash_received", False),
            )
        except OrderChangeError as error:
            form.add_error("status", str(error))
        else:
            messages.success(request, f"Order #{order.pk} updated.")
            return redirect("seller_accounts:order", pk=order.pk)
    return render(request, "seller_accounts/order_detail.html", {"order": order, "form": form})


@seller_required
def bulk_upload(request):
    form = BulkUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            rows, rejected, photo_problems = bulk.draft_rows(
                csv_upload=form.cleaned_data["file"],
                zip_upload=form.cleaned_data["photos"],
                seller_id=request.user.pk,
            )
        except bulk.BulkFileError as error:
            problems = error.problems
        except ModelUnavailable as error:
            problems = [str(error)]
        else:
            _unstage(request)
            request.session[BULK_SESSION_KEY] = [row.as_dict() for row in rows]
            request.session[BULK_REJECTED_SESSION_KEY] = [row.as_dict() for row in rejected]
            for problem in photo_problems:
                messages.warning(request, problem)
            return redirect("seller_accounts:bulk_review")
    return render(request, "seller_accounts/bulk_upload.html", {"form": form, "problems": problems})


def _unstage(request) -> None:
    """Forget the photos of an earlier upload (published, or replaced by a new upload)."""
    staged = [*(request.session.get(BULK_SESSION_KEY) or []),
              *(request.session.get(BULK_REJECTED_SESSION_KEY) or [])]
    bulk.unstage_photos(names=[row["photo"] for row in staged if row.get("photo")])


@seller_required
def bulk_review(request):
    staged = request.session.get(BULK_SESSION_KEY) or []
    rejected = request.session.get(BULK_REJECTED_SESSION_KEY) or []
    if not staged and not rejected:
        messages.info(request, "Upload a CSV to review its products.")
        return redirect("seller_accounts:bulk_upload")
    formset = bulk_review_formset(staged=staged, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if formset.total_form_count() != len(staged):
            messages.error(request, "The review table was out of date: here it is again.")
            return redirect("seller_accounts:bulk_review")
        if formset.is_valid():
            rows = bulk.reviewed_rows(
                reviewed=[form.cleaned_data for form in formset], staged=staged, seller_id=request.user.pk
            )
            try:
                products = services.bulk_publish(seller=request.user, rows=rows)
            except services.BulkStockError as error:
                for problem in error.problems:
                    messages.error(request, problem)
            else:
                _unstage(request)
                request.session.pop(BULK_SESSION_KEY, None)
                request.session.pop(BULK_REJECTED_SESSION_KEY, None)
                if rejected:
                    lines = ", ".join(f"line {row['line']}" for row in rejected)
                    messages.warning(request, f"{len(rejected)} rows of the file were not fixed and were "
                                     f"left out: {lines}.")
                verified = request.user.is_email_verified
                message = bulk.published_message(products=products, seller_verified=verified)
                messages.add_message(request, messages.SUCCESS if verified else messages.WARNING, message)
                return redirect("seller_accounts:products")
    rows = list(zip(formset.forms, staged, strict=True))
    return render(request, "seller_accounts/bulk_review.html",
                  {"formset": formset, "rows": rows, "rejected": rejected})


@seller_required
@require_http_methods(["POST"])
def bulk_fix_row(request):
    """A row of the file that could not be read, fixed by the seller: into the review table (its
    staged photo kept), or back to the rows to fix with its new reason."""
    rejected = request.session.get(BULK_REJECTED_SESSION_KEY) or []
    line = request.POST.get("line", "")
    target = next((row for row in rejected if str(row["line"]) == line), None)
    if target is None:
        messages.error(request, "That row is no longer waiting to be fixed.")
        return redirect("seller_accounts:bulk_review")
    try:
        fixed = bulk.fix_rejected_row(rejected=target, posted=request.POST, seller_id=request.user.pk)
    except ModelUnavailable as error:
        messages.error(request, str(error))
        return redirect("seller_accounts:bulk_review")
    others = [row for row in rejected if row is not target]
    if isinstance(fixed, bulk.RejectedRow):
        waiting = [*others, fixed.as_dict()]
        request.session[BULK_REJECTED_SESSION_KEY] = sorted(waiting, key=lambda row: row["line"])
        messages.error(request, f"line {fixed.line}: {fixed.problem}")
    else:
        request.session[BULK_REJECTED_SESSION_KEY] = others
        request.session[BULK_SESSION_KEY] = [*(request.session.get(BULK_SESSION_KEY) or []), fixed.as_dict()]
        messages.success(request, f"line {fixed.line} added to the table.")
    return redirect("seller_accounts:bulk_review")


@seller_required
def review_list(request):
    """Reviews of the seller's products, newest first (hidden ones marked), of one star rating
    if asked for."""
    rating = request.GET.get("rating", "")
    stars = int(rating) if rating.isdigit() and LOWEST_RATING <= int(rating) <= HIGHEST_RATING else None
    reviews = seller_reviews(seller=request.user, rating=stars)
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "seller_accounts/review_list.html", {
        "page": page,
        "rating": stars,
        "ratings": range(HIGHEST_RATING, LOWEST_RATING - 1, -1),
    })
