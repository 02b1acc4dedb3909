from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services, webhooks
from .forms import TestCardForm
from .providers import local_test

# Where the buyer lands after paying (a real provider is given it as its return URL).
AFTER_PAYMENT_URL = "orders:list"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def test_card(request, reference: str):
    """The local test provider's card page (a real provider hosts its own)."""
    payment = selectors.payment_for_buyer(buyer=request.user, reference=reference)
    form = TestCardForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and payment.status == payment.Status.PENDING:
        outcome = services.local_test_card_pay(
            reference=reference, card_number=form.cleaned_data["card_number"]
        )
        if outcome == webhooks.PAYMENT_SUCCEEDED:
            messages.success(request, "Payment received: thank you!")
        else:
            messages.error(request, "Your card was declined. Try another card, or cancel the order.")
        return redirect(AFTER_PAYMENT_URL)
    return render(
        request,
        "payments/test_card.html",
        {
            "form": form,
            "payment": payment,
            "cards": (local_test.TEST_CARD_SUCCEEDS, local_test.TEST_CARD_DECLINES),
        },
    )


@csrf_exempt  # called by the payment provider, authenticated by its HMAC signature instead
@require_POST
def webhook(request):
    try:
        outcome = services.payment_webhook_receive(
            body=request.body, signature=request.headers.get(webhooks.SIGNATURE_HEADER, "")
        )
    except webhooks.SignatureError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain")
    return HttpResponse(webhooks.response_body(outcome=outcome), content_type="application/json")
