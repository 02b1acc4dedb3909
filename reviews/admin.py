"""Reviews in the admin (staff only): read them, and hide or show them again with a reason
(an action with a page asking why), through the services so that averages follow."""

from django.contrib import admin, messages
from django.shortcuts import render

from .forms import HideForm
from .models import Review
from .services import ReviewRefused, review_hide, review_unhide


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = (
        "id", "product", "author", "rating", "fit", "title", "helpful_count", "hidden", "created_at"
    )
    list_filter = ("hidden", "rating", "fit")
    search_fields = ("title", "body", "author__username", "product__name")
    raw_id_fields = ("product", "author")
    readonly_fields = ("product", "author", "rating", "fit", "title", "body", "helpful_count", "created_at",
                       "hidden", "hidden_by", "hidden_at", "hidden_reason")
    actions = ("hide_selected", "unhide_selected")

    def has_add_permission(self, request) -> bool:
        return False  # verified buyers write reviews on the shop, never staff

    @admin.action(description="Hide the selected reviews (asks for a reason)")
    def hide_selected(self, request, queryset):
        form = HideForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid() and form.cleaned_data["reason"]:
            hidden = 0
            for review in queryset.select_related("author"):
                try:
                    review_hide(review=review, by=request.user, reason=form.cleaned_data["reason"])
                    hidden += 1
                except ReviewRefused as refusal:
                    self.message_user(request, f"Review {review.pk}: {refusal}", messages.WARNING)
            self.message_user(request, f"Reviews hidden: {hidden}.", messages.SUCCESS)
            return None
        if form.is_bound:
            self.message_user(request, "Say why the reviews are hidden.", messages.ERROR)
        return render(request, "admin/reviews/hide_reviews.html", {
            **self.admin_site.each_context(request),
            "title": "Hide reviews",
            "reviews": queryset,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        })

    @admin.action(description="Show the selected hidden reviews again")
    def unhide_selected(self, request, queryset):
        shown = 0
        for review in queryset.filter(hidden=True).select_related("author"):
            review_unhide(review=review, by=request.user)
            shown += 1
        self.message_user(request, f"Reviews shown again: {shown}.", messages.SUCCESS)
