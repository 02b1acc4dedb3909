"""A correction is a value the seller changed: a field left empty is not one (the admin's
correction rates counted every colour or usage a seller skipped as a model mistake)."""

import pytest

from seller_accounts import services
from seller_accounts.models import ListingCategorization
from seller_accounts.selectors import correction_rates


def marked(**fields) -> ListingCategorization:
    record = ListingCategorization(**fields)
    services.categorization_mark_corrections(record=record)
    return record


def test_a_colour_the_seller_left_empty_is_not_a_correction():
    # Fails on main before the fix: "Black" != "" counted as corrected.
    record = marked(predicted_base_colour="Black", chosen_base_colour="",
                    predicted_usage="Casual", chosen_usage="")
    assert not record.base_colour_corrected
    assert not record.usage_corrected


def test_a_value_the_model_left_empty_and_the_seller_filled_in_is_not_a_correction():
    assert not marked(predicted_usage="", chosen_usage="Sports").usage_corrected


def test_a_value_the_seller_changed_is_a_correction_and_a_kept_one_is_not():
    record = marked(predicted_base_colour="Black", chosen_base_colour="Navy Blue",
                    predicted_gender="Men", chosen_gender="Men")
    assert record.base_colour_corrected
    assert not record.gender_corrected


@pytest.mark.django_db
def test_the_rate_counts_only_listings_where_both_sides_were_filled_in(seller, make_product):
    levels = {"gender": "Men", "sub_category": "Topwear", "article_type": "Tshirts", "usage": "Casual"}
    both = {f"{side}_{level}": value for level, value in levels.items() for side in ("predicted", "chosen")}
    rows = [("Black", "Navy Blue"), ("Black", "Black"), ("Black", ""), ("Black", "")]
    for predicted, chosen in rows:
        record = ListingCategorization(product=make_product(seller=seller), model_version="v1", text="x",
                                       confidence=0.9, predicted_base_colour=predicted,
                                       chosen_base_colour=chosen, **both)
        services.categorization_mark_corrections(record=record)
        record.save()
    rates = correction_rates()
    # One changed of the two where the seller kept a colour: 50%, not 3 of 4 (the bug's 75%).
    assert rates["base_colour"] == 0.5
    assert rates["gender"] == 0.0


@pytest.mark.django_db
def test_the_admin_list_shows_the_rate_without_the_empty_fields(client, staff, seller, make_product):
    for predicted, chosen in [("Black", "Navy Blue"), ("Black", "Black"), ("Black", ""), ("Black", "")]:
        record = ListingCategorization(product=make_product(seller=seller), model_version="v1", text="x",
                                       confidence=0.9, predicted_base_colour=predicted,
                                       chosen_base_colour=chosen)
        services.categorization_mark_corrections(record=record)
        record.save()
    client.force_login(staff)
    html = client.get("/admin/seller_accounts/listingcategorization/").content.decode()
    rates = html.split('id="correction-rates"')[1].split("</table>")[0]
    assert "<td>50%</td>" in rates  # base colour: 1 of the 2 the seller filled in (main said 75%)
