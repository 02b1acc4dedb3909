"""The review page of the catalog audit: suspects with their photos and evidence, accepted or
rejected one by one (the buttons of each row) or in bulk (the admin actions)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from .models import CatalogSuspect
from .selectors import suspects_for_review
from .services import SuspectStale, suspect_accept, suspect_reject, suspects_review


def _percent(value) -> str:
    return "—" if value is None else f"{value:.0%}"


ALL_STATUSES = "all"
# The change page shows the probabilities as percentages (a raw 0.13857... reads as nothing):
# model field -> the admin's display of it.
SHOWN_AS = {
    "confidence": "answer_confidence",
    "label_confidence": "label_confidence_shown",
    "name_confidence": "name_confidence_shown",
    "photo_confidence": "photo_confidence_shown",
    "score": "score_shown",
}


class StatusFilter(admin.SimpleListFilter):
    """Pending by default: the suspects still to decide are what a reviewer opens the page for;
    the decided ones (and all) are one click away."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*CatalogSuspect.Status.choices, (ALL_STATUSES, "All")]

    def value(self):
        return super().value() or CatalogSuspect.Status.PENDING

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        return queryset if self.value() == ALL_STATUSES else queryset.filter(status=self.value())


@admin.register(CatalogSuspect)
class CatalogSuspectAdmin(admin.ModelAdmin):
    # The decision right after the product: at 1366 px the evidence columns pushed it off screen.
    list_display = ("photo", "product_link", "decide", "level", "label", "answer_shown", "name_evidence",
                    "photo_evidence", "score_shown", "status")
    list_filter = (StatusFilter, "level", "audit_run")
    search_fields = ("product__name", "label", "answer")
    list_per_page = 50
    actions = ("accept_selected", "reject_selected")
    readonly_fields = [SHOWN_AS.get(f.name, f.name) for f in CatalogSuspect._meta.fields]
    fields = readonly_fields  # nothing edited by hand: decided with the buttons

    def get_queryset(self, request):
        return suspects_for_review(status=None)

    def has_add_permission(self, request) -> bool:
        return False  # suspects come from `python manage.py audit_catalog`

    # ---- columns

    @admin.display(description="Photo")
    def photo(self, suspect):
        image = suspect.product.image
        if not image:
            return "—"
        # No inline style: the Content-Security-Policy refuses it (the photos are 3:4, as the box).
        return format_html('<img src="{}" alt="" width="60" height="80">', image.url)

    @admin.display(description="Product", ordering="product__name")
    def product_link(self, suspect):
        product = suspect.product
        return format_html('<a href="{}">{}</a>', product.get_absolute_url(), product.name)

    @admin.display(description="Name and photo say", ordering="confidence")
    def answer_shown(self, suspect):
        return format_html("<strong>{}</strong> ({})", suspect.answer, _percent(suspect.confidence))

    @admin.display(description="Name says")
    def name_evidence(self, suspect):
        return f"{suspect.name_says} ({_percent(suspect.name_confidence)})"

    @admin.display(description="Photo says")
    def photo_evidence(self, suspect):
        return f"{suspect.photo_says} ({_percent(suspect.photo_confidence)})" if suspect.photo_says else "—"

    @admin.display(description="Suspicion", ordering="-score")
    def score_shown(self, suspect):
        return f"{suspect.score:.2f}"

    @admin.display(description="Confidence")
    def answer_confidence(self, suspect):
        return _percent(suspect.confidence)

    @admin.display(description="Label confidence")
    def label_confidence_shown(self, suspect):
        return _percent(suspect.label_confidence)

    @admin.display(description="Name confidence")
    def name_confidence_shown(self, suspect):
        return _percent(suspect.name_confidence)

    @admin.display(description="Photo confidence")
    def photo_confidence_shown(self, suspect):
        return _percent(suspect.photo_confidence)

    @admin.display(description="Decide")
    def decide(self, suspect):
        if suspect.status != CatalogSuspect.Status.PENDING:
            return "—"
        # Buttons of the changelist's own form (it carries the CSRF token), posted elsewhere.
        return format_html(
            '<button type="submit" class="button" formmethod="post" formaction="{}">Accept</button> '
            '<button type="submit" class="button" formmethod="post" formaction="{}">Reject</button>',
            reverse("admin:catalog_audit_catalogsuspect_accept", args=[suspect.pk]),
            reverse("admin:catalog_audit_catalogsuspect_reject", args=[suspect.pk]),
        )

    # ---- bulk

    @admin.action(description="Accept the selected suspects (fix the products' labels)")
    def accept_selected(self, request, queryset):
        self._review(request, queryset, accept=True)

    @admin.action(description="Reject the selected suspects (keep the labels)")
    def reject_selected(self, request, queryset):
        self._review(request, queryset, accept=False)

    def _review(self, request, queryset, *, accept: bool) -> None:
        pending = queryset.filter(status=CatalogSuspect.Status.PENDING)
        done, problems = suspects_review(suspects=list(pending), accept=accept, reviewer=request.user)
        verb = "accepted" if accept else "rejected"
        self.message_user(request, f"{done} suspect(s) {verb}.", messages.SUCCESS)
        for problem in problems:
            self.message_user(request, problem, messages.WARNING)

    # ---- one by one

    def get_urls(self):
        own = [
            path("<int:pk>/accept/", self.admin_site.admin_view(self.accept_view),
                 name="catalog_audit_catalogsuspect_accept"),
            path("<int:pk>/reject/", self.admin_site.admin_view(self.reject_view),
                 name="catalog_audit_catalogsuspect_reject"),
        ]
        return own + super().get_urls()

    def _decide_one(self, request, pk: int, *, accept: bool):
        if not self.has_change_permission(request):
            raise PermissionDenied
        suspect = get_object_or_404(CatalogSuspect, pk=pk)
        try:
            if accept:
                product = suspect_accept(suspect=suspect, reviewer=request.user)
                self.message_user(request, f"{product.name}: {suspect.get_level_display().lower()} "
                                  f"is now {suspect.answer}.", messages.SUCCESS)
            else:
                suspect_reject(suspect=suspect, reviewer=request.user)
                self.message_user(request, f"{suspect.product.name}: kept {suspect.label}.", messages.SUCCESS)
        except (SuspectStale, ValueError) as error:
            self.message_user(request, str(error), messages.WARNING)
        back = request.META.get("HTTP_REFERER", "")
        changelist = reverse("admin:catalog_audit_catalogsuspect_changelist")
        return redirect(back if back.startswith(request.build_absolute_uri(changelist)) else changelist)

    def accept_view(self, request, pk: int):
        return require_POST(lambda r: self._decide_one(r, pk, accept=True))(request)

    def reject_view(self, request, pk: int):
        return require_POST(lambda r: self._decide_one(r, pk, accept=False))(request)
