"""The review form: what a verified buyer types. The rules (plain text, not empty, one per
product, a delivered order) are the service's (``reviews.services.review_create``)."""

from django import forms

from core.forms import BootstrapFormMixin

from .models import (
    BODY_MAX_LENGTH,
    HIDE_REASON_MAX_LENGTH,
    HIGHEST_RATING,
    LOWEST_RATING,
    TITLE_MAX_LENGTH,
    Review,
)

STAR_CHOICES = [(n, f"{n} star{'s' if n > 1 else ''}") for n in range(HIGHEST_RATING, LOWEST_RATING - 1, -1)]


class ReviewForm(BootstrapFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        choices=STAR_CHOICES, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": "Pick a rating from 1 to 5 stars.",
                        "invalid_choice": "Pick a rating from 1 to 5 stars."},
    )
    fit = forms.ChoiceField(
        choices=[("", "Not sure / doesn't apply"), *Review.Fit.choices], required=False,
        label="How does it fit?",
    )
    title = forms.CharField(max_length=TITLE_MAX_LENGTH, required=False, strip=True)
    # Not required here: the service refuses an empty review with its own message.
    body = forms.CharField(
        label="Your review", max_length=BODY_MAX_LENGTH, required=False, strip=True,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "Fit, fabric, quality, colour…"}),
    )


class HideForm(forms.Form):
    reason = forms.CharField(max_length=HIDE_REASON_MAX_LENGTH, required=False, strip=True)
