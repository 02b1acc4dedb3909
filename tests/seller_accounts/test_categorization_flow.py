"""Listing with the categorizer's help: suggestions recorded against the seller's final choice."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from main.ml_fields import confirmed_categories_frame
from main.models import ArticleType, Gender, Product
from seller_accounts.models import ListingCategorization

pytestmark = pytest.mark.usefixtures("catalog", "trained_models")


def listing_form(article_type: ArticleType, **overrides):
    data = {
        "name": "Roadster Men Blue Slim Fit Jeans",
        "description": "stretch denim",
        "gender": Gender.objects.get(name="Men").pk,
        "article_type": article_type.pk,
        "base_colour": "Blue",
        "usage": "Casual",
        "season": "",
        "price": "1299",
        "stock": "7",
    }
    return {**data, **overrides}


def test_saving_a_listing_records_the_prediction_and_the_choice(seller_client):
    jeans = ArticleType.objects.get(name="Jeans")
    response = seller_client.post("/seller/products/new/", listing_form(jeans))
    assert response.status_code == 302
    record = ListingCategorization.objects.get(product__name="Roadster Men Blue Slim Fit Jeans")
    assert record.predicted_article_type == "Jeans"
    assert record.chosen_article_type == "Jeans"
    assert not record.article_type_corrected
    assert record.model_version.startswith("categorizer-")
    assert 0 < record.confidence <= 1


def test_a_correction_is_flagged_per_level(seller_client):
    trousers = (
        ArticleType.objects.filter(name="Trousers").first()
        or ArticleType.objects.exclude(name="Jeans").first()
    )
    seller_client.post("/seller/products/new/", listing_form(trousers))
    record = ListingCategorization.objects.get()
    assert record.article_type_corrected
    assert record.chosen_article_type == trousers.name
    assert not record.gender_corrected


def test_confirmed_listings_become_training_rows_with_the_sellers_categories(seller_client):
    trousers = ArticleType.objects.exclude(name="Jeans").first()
    seller_client.post("/seller/products/new/", listing_form(trousers))
    assert Product.objects.count() > 1  # the imported catalog's products are not among them
    (row,) = confirmed_categories_frame().to_dict("records")
    assert row == {
        "name": "Roadster Men Blue Slim Fit Jeans",
        "gender": "Men",
        "masterCategory": trousers.sub_category.master_category.name,
        "subCategory": trousers.sub_category.name,
        "articleType": trousers.name,  # the seller's correction, not the prediction
        "baseColour": "Blue",
        "usage": "Casual",
    }


def test_admin_shows_the_correction_rate_per_level(client, staff, seller_client):
    seller_client.post("/seller/products/new/", listing_form(ArticleType.objects.get(name="Jeans")))
    client.force_login(staff)
    page = client.get("/admin/seller_accounts/listingcategorization/").content.decode()
    assert "Correction rate per level (1 listings)" in page
    assert "article type" in page


def test_listing_form_page_wires_live_suggestions(seller_client):
    page = seller_client.get("/seller/products/new/").content.decode()
    assert 'data-predict-url="/api/v1/category-prediction"' in page
    assert "js/categorize.js" in page


def bulk_csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("products.csv", text.encode("utf-8"), content_type="text/csv")


GOOD_CSV = (
    "name,description,price,stock\n"
    "blue denim jeans for men,,1499,5\n"
    "Titan Women Silver Watch,steel strap,3999,2\n"
    '"women floral summer dress","light, airy",899,10\n'
)


def test_bulk_upload_reviews_every_row_categorized(seller_client):
    response = seller_client.post("/seller/products/bulk/", {"file": bulk_csv(GOOD_CSV)})
    assert response.status_code == 302
    page = seller_client.get("/seller/products/bulk/review/").content.decode()
    assert page.count('data-test="bulk-row"') == 3
    jeans = ArticleType.objects.get(name="Jeans")
    assert f'<option value="{jeans.pk}" selected>' in page


def test_bulk_publish_creates_all_products_with_their_records(seller_client, seller):
    seller_client.post("/seller/products/bulk/", {"file": bulk_csv(GOOD_CSV)})
    review = seller_client.get("/seller/products/bulk/review/")
    formset = review.context["formset"]
    data = {"form-TOTAL_FORMS": "3", "form-INITIAL_FORMS": "3"}
    for i, form in enumerate(formset.forms):
        for name in form.fields:
            value = form.initial.get(name, "")
            data[f"form-{i}-{name}"] = "" if value is None else value
    response = seller_client.post("/seller/products/bulk/review/", data)
    assert response.status_code == 302
    created = Product.objects.filter(seller=seller)
    assert created.count() == 3
    assert ListingCategorization.objects.filter(product__in=created).count() == 3
    assert created.get(name="blue denim jeans for men").article_type.name == "Jeans"


def test_bulk_publish_is_all_or_nothing(seller_client, seller):
    seller_client.post("/seller/products/bulk/", {"file": bulk_csv(GOOD_CSV)})
    formset = seller_client.get("/seller/products/bulk/review/").context["formset"]
    data = {"form-TOTAL_FORMS": "3", "form-INITIAL_FORMS": "3"}
    for i, form in enumerate(formset.forms):
        for name in form.fields:
            value = form.initial.get(name, "")
            data[f"form-{i}-{name}"] = "" if value is None else value
    data["form-2-price"] = "not a price"
    response = seller_client.post("/seller/products/bulk/review/", data)
    assert response.status_code == 200
    assert not Product.objects.filter(seller=seller).exists()


def test_bulk_upload_with_bad_rows_lists_them_by_line_and_imports_the_rest(seller_client, seller):
    text = GOOD_CSV + ",,100,1\nnice shirt,,free,1\nsocks,,99,²\nhat,,99,1,extra\n"
    response = seller_client.post("/seller/products/bulk/", {"file": bulk_csv(text)})
    assert response.status_code == 302
    to_fix = seller_client.session["bulk_listing_rows_to_fix"]
    assert [f"line {row['line']}: {row['problem']}" for row in to_fix] == [
        "line 5: name is empty",
        "line 6: price 'free' is not a number",
        "line 7: stock '²' is not a whole number",
        "line 8: more fields than columns",
    ]
    assert len(seller_client.session["bulk_listing_rows"]) == 3
    assert not Product.objects.filter(seller=seller).exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"title,price\nshirt,1\n", "Missing column(s): name, stock"),
        (b"name,price,stock\n", "no product rows"),
    ],
)
def test_bulk_upload_refuses_unusable_files(seller_client, content, message):
    upload = SimpleUploadedFile("x.csv", content, content_type="text/csv")
    response = seller_client.post("/seller/products/bulk/", {"file": upload})
    assert any(message in p for p in response.context["problems"])


def _stage(seller_client, rows: list[dict]) -> None:
    """Put rows in the session as the upload step does (what the model said is in them)."""
    session = seller_client.session
    session["bulk_listing_rows"] = rows
    session.save()


def _path(article_type: ArticleType) -> str:
    sub = article_type.sub_category
    return f"{sub.master_category.name} / {sub.name} / {article_type.name}"


def _unsure_row(**overrides) -> dict:
    """A row the model was unsure of: gender, article type and colour left for the seller."""
    jeans = ArticleType.objects.get(name="Jeans")
    other = ArticleType.objects.exclude(pk=jeans.pk).first()
    row = {
        "line": 2, "name": "Northwind Stretch Denim", "description": "", "price": "299.00",
        "stock": 3, "gender": "", "master_category": "Apparel", "sub_category": "Bottomwear",
        "article_type": "", "base_colour": "", "usage": "Casual",
        "suggestions": {
            "gender": [["Men", 0.55], ["Women", 0.4]],
            "article_type": [[_path(jeans), 0.4], [_path(other), 0.3], ["No / Such / Path", 0.1]],
            "base_colour": [["Blue", 0.2]],
            "usage": [["Casual", 0.9]],
        },
    }
    return {**row, **overrides}


def test_bulk_review_leaves_unsure_fields_empty_with_the_suggestions_first(seller_client):
    _stage(seller_client, [_unsure_row()])
    response = seller_client.get("/seller/products/bulk/review/")
    page = response.content.decode()
    form = response.context["formset"].forms[0]
    assert form.unsure() == ["gender", "article_type", "base_colour"]
    assert 'data-unsure="gender article_type base_colour"' in page
    jeans = ArticleType.objects.get(name="Jeans")
    article_choices = form.fields["article_type"].choices
    assert article_choices[0] == ("", "—")  # nothing pre-selected
    group, suggested = article_choices[1]
    assert group == "Suggested" and len(suggested) == 2  # a path not in the taxonomy is dropped
    sub = jeans.sub_category
    assert suggested[0] == (jeans.pk, f"Jeans ({sub.master_category.name} / {sub.name}) (40%)")
    assert '<optgroup label="Suggested">' in page and "Men (55%)" in page


def test_bulk_publish_refuses_a_row_whose_unsure_fields_were_not_chosen(seller_client, seller):
    _stage(seller_client, [_unsure_row()])
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-name": "Northwind Stretch Denim",
            "form-0-price": "299", "form-0-stock": "3", "form-0-gender": "", "form-0-article_type": "",
            "form-0-base_colour": "", "form-0-usage": "Casual"}
    response = seller_client.post("/seller/products/bulk/review/", data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors.keys() == {"gender", "article_type"}
    page = " ".join(response.content.decode().split())
    assert 'data-test="bulk-errors"' in page  # said at the top: the cells may be off-screen
    assert "line 2: gender (this field is required.) article type (this field is required.)" in page
    assert 'class="table-danger"' in page
    assert not Product.objects.filter(seller=seller).exists()

    jeans = ArticleType.objects.get(name="Jeans")
    response = seller_client.post(
        "/seller/products/bulk/review/", {**data, "form-0-gender": "Men", "form-0-article_type": jeans.pk}
    )
    assert response.status_code == 302
    product = Product.objects.get(seller=seller)
    assert (product.gender.name, product.article_type, product.base_colour) == ("Men", jeans, "")


def test_bulk_publish_with_a_stale_table_publishes_nothing(seller_client, seller):
    _stage(seller_client, [_unsure_row(gender="Men")])
    response = seller_client.post(
        "/seller/products/bulk/review/", {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2"}
    )
    assert response.status_code == 302 and response.url.endswith("/seller/products/bulk/review/")
    assert not Product.objects.filter(seller=seller).exists()


def test_bulk_upload_fills_in_only_what_the_model_is_sure_of(seller_client):
    from main.categorize import SURE_ENOUGH

    seller_client.post("/seller/products/bulk/", {"file": bulk_csv(GOOD_CSV)})
    rows = seller_client.session["bulk_listing_rows"]
    levels = [(row, field, *row["suggestions"][field][0]) for row in rows for field in row["suggestions"]]
    assert len(levels) == 3 * 4
    assert {confidence >= SURE_ENOUGH for *_, confidence in levels} == {True, False}  # both cases
    for row, field, best, confidence in levels:
        filled = row[field]
        if field == "article_type" and filled:
            filled = f"{row['master_category']} / {row['sub_category']} / {filled}"
        assert filled == (best if confidence >= SURE_ENOUGH else ""), (field, row)


def test_a_new_listing_starts_with_one_in_stock(seller_client):
    page = seller_client.get("/seller/products/new/").content.decode()
    assert 'name="stock" value="1"' in page


def test_a_listing_sent_back_says_what_to_fix_at_the_top(seller_client):
    form = listing_form(ArticleType.objects.get(name="Jeans"), price="")
    response = seller_client.post("/seller/products/new/", form)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-test="form-errors"' in page and 'href="#id_price">Price</a>' in page
    assert 'class="form-control is-invalid"' in page  # the price field is outlined
