"""Facets as shoppers use them: several values per facet, counts by the multi-select rule,
every value reachable, brands, price ranges, chips and "clear all", department headings."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db.models import Count

from main.catalog_table import PRICE_RANGES
from main.models import Product
from search.forms import CatalogFilterForm
from search.listing import FACET_SHOWN, catalog_page
from tests.html import parse

pytestmark = pytest.mark.usefixtures("catalog")


def active():
    return Product.objects.filter(is_active=True)


def facets_for(params):
    return catalog_page(filters=CatalogFilterForm(params).filters(), number=1, size=1)[1]


def by_value(values) -> dict:
    return {v.value: v for v in values}


def two_commonest(field: str) -> list[str]:
    rows = active().exclude(**{field: ""}).values_list(field).annotate(n=Count("id")).order_by("-n", field)
    return [value for value, _ in rows[:2]]


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# --- several values per facet -------------------------------------------------------------


def test_two_colours_list_products_of_either(client):
    first, second = two_commonest("base_colour")
    response = client.get(f"/catalog/?colour={first}&colour={second}".replace(" ", "+"))
    expected = active().filter(base_colour__in=[first, second]).count()
    assert response.context["facets"].total == expected
    assert expected > active().filter(base_colour=first).count()
    colours = {Product.objects.get(pk=p.pk).base_colour for p in response.context["page"].object_list}
    assert colours <= {first, second}


def test_values_of_different_facets_must_all_hold(client):
    colour = two_commonest("base_colour")[0]
    gender_id = active().filter(base_colour=colour).values_list("gender_id", flat=True).first()
    response = client.get("/catalog/", {"colour": colour, "gender": gender_id})
    expected = active().filter(base_colour=colour, gender_id=gender_id).count()
    assert response.context["facets"].total == expected


def test_the_form_keeps_good_values_and_drops_bad_ones():
    from django.http import QueryDict

    form = CatalogFilterForm(QueryDict(
        "gender=3&gender=x&gender=3&gender=1&price=0-500&price=9-9&colour=Blue"
    ))
    filters = form.filters()
    assert filters.gender == (1, 3)  # sorted, duplicates and junk gone: one cache key per set
    assert filters.price == ("0-500",)
    assert filters.colour == ("Blue",)


# --- counts -------------------------------------------------------------------------------


def test_a_facet_counts_without_its_own_selection():
    """The usual multi-select rule: once Blue is picked, Black still shows how many it would
    add, and the other facets count what is listed."""
    first, second = two_commonest("base_colour")
    picked = facets_for({"colour": first})
    colours = by_value(picked.colours)
    assert colours[first].selected and not colours[second].selected
    assert colours[second].count == active().filter(base_colour=second).count()
    assert colours[first].count == picked.total == active().filter(base_colour=first).count()
    for gender in picked.genders:
        assert gender.count == active().filter(base_colour=first, gender_id=gender.value).count()


def test_counts_stay_right_with_selections_in_two_facets():
    colour = two_commonest("base_colour")[0]
    gender = active().values("gender_id").annotate(n=Count("id")).order_by("-n")[0]["gender_id"]
    facets = facets_for({"colour": colour, "gender": str(gender)})
    listed = active().filter(base_colour=colour, gender_id=gender)
    assert facets.total == listed.count()
    for value in facets.genders:  # with the colour applied, not the gender
        assert value.count == active().filter(base_colour=colour, gender_id=value.value).count()
    for value in facets.colours:  # with the gender applied, not the colour
        assert value.count == active().filter(gender_id=gender, base_colour=value.value).count()
    for value in facets.masters:
        assert value.count == listed.filter(master_category_id=value.value).count()


def test_a_picked_value_nothing_matches_stays_removable(client):
    response = client.get("/catalog/", {"colour": "Ultraviolet"})
    assert response.context["facets"].total == 0
    [chip] = response.context["chips"]
    assert chip.label == "Ultraviolet" and "colour" not in query(chip.url)


# --- every value reachable ----------------------------------------------------------------


def test_every_colour_is_a_link_on_the_page(client):
    colours = set(active().exclude(base_colour__in=["", "NA"]).values_list("base_colour", flat=True))
    assert len(colours) > FACET_SHOWN, "the sample has more colours than are shown before 'more'"
    html = parse(client.get("/catalog/").content)
    facet = html.one(data_test="facet-colour")
    linked = {a.text() for a in facet.select("a")}
    assert linked == colours
    assert len(facet.one("details").select("a")) == len(colours) - FACET_SHOWN


def test_a_search_offers_article_types_before_any_category_is_picked(client):
    product = active().filter(article_type__name="Tshirts").first()
    response = client.get("/catalog/", {"q": "tshirt"})
    types = response.context["facets"].types
    assert product.article_type_id in {v.value for v in types}
    assert 'data-test="facet-type"' in response.content.decode()
    assert facets_for({}).types == []  # browsing still drills down


# --- brand and price ----------------------------------------------------------------------


def test_brand_facet_filters_by_the_brand_read_from_the_name(client):
    brand, n = active().exclude(brand="").values_list("brand").annotate(n=Count("id")).order_by("-n")[0]
    assert n > 1
    facets = client.get("/catalog/").context["facets"]
    assert by_value(facets.brands)[brand].count == n
    response = client.get("/catalog/", {"brand": brand})
    assert response.context["facets"].total == n
    for product in response.context["page"].object_list:
        assert product.name.lower().startswith(brand.lower())


def test_price_ranges_count_and_filter(client):
    facets = client.get("/catalog/").context["facets"]
    prices = by_value(facets.prices)
    assert sum(v.count for v in facets.prices) == facets.total
    for key, (low, below) in PRICE_RANGES.items():
        expected = active()
        if low is not None:
            expected = expected.filter(price__gte=low)
        if below is not None:
            expected = expected.filter(price__lt=below)
        assert (prices[key].count if key in prices else 0) == expected.count()
    key = max(prices, key=lambda k: prices[k].count)
    two = sorted(prices, key=lambda k: -prices[k].count)[:2]
    response = client.get("/catalog/", {"price": two})
    assert response.context["facets"].total == sum(prices[k].count for k in two)
    low, below = PRICE_RANGES[key]
    page = client.get("/catalog/", {"price": key}).context["page"].object_list
    assert all((low is None or p.price >= low) and (below is None or p.price < below) for p in page)


# --- links, chips, clear all --------------------------------------------------------------


def test_facet_links_add_and_remove_a_value_keeping_the_rest(client):
    first, second = two_commonest("base_colour")
    response = client.get("/catalog/", {"q": "men", "colour": first, "sort": "price_asc"})
    colours = by_value(response.context["facets"].colours)
    added = query(colours[second].url)
    assert sorted(added["colour"]) == sorted([first, second])
    assert added["q"] == ["men"] and added["sort"] == ["price_asc"]
    removed = query(colours[first].url)
    assert "colour" not in removed and removed["q"] == ["men"]
    # Following a link lists what it says.
    followed = client.get("/catalog/" + colours[second].url)
    assert followed.context["facets"].total == active().filter(
        base_colour__in=[first, second], search_text__contains=" men"
    ).count()


def test_chips_remove_one_filter_each_and_clear_all_keeps_the_search(client):
    first, second = two_commonest("base_colour")
    season = two_commonest("season")[0]
    params = {"q": "men", "colour": [first, second], "season": season, "min_price": "100"}
    response = client.get("/catalog/", params)
    chips = {chip.label: chip for chip in response.context["chips"]}
    assert set(chips) == {first, second, season, "₹100 – …"}
    assert query(chips[first].url)["colour"] == [second]
    assert query(chips[first].url)["season"] == [season]
    assert "min_price" not in query(chips["₹100 – …"].url)
    assert query(response.context["clear_all"]) == {"q": ["men"]}
    html = parse(response.content)
    assert len(html.select(data_test="chip")) == 4
    assert html.one(data_test="clear-all")["href"] == "?q=men"
    # The price and sort forms carry every value of a multi-valued filter.
    price_form = html.one(data_test="price-filter")
    hidden = [(i["name"], i["value"]) for i in price_form.select("input", type="hidden")]
    assert ("colour", first) in hidden and ("colour", second) in hidden


def test_no_chips_without_filters(client):
    html = client.get("/catalog/").content.decode()
    assert 'data-test="chips"' not in html and 'data-test="clear-all"' not in html


# --- headings -----------------------------------------------------------------------------


def test_a_department_page_says_which_department_it_is(client):
    master = active().values("master_category_id", "master_category__name").annotate(n=Count("id"))[0]
    response = client.get("/catalog/", {"master": master["master_category_id"]})
    html = parse(response.content)
    name = master["master_category__name"]
    assert html.one(data_test="catalog-heading").text() == name
    assert html.one("title").text().startswith(name)
    in_master = active().filter(master_category_id=master["master_category_id"])
    gender = in_master.values("gender__name", "gender_id")[0]
    both = client.get("/catalog/", {"master": master["master_category_id"], "gender": gender["gender_id"]})
    heading = parse(both.content).one(data_test="catalog-heading").text()
    assert heading == f"{gender['gender__name']} · {name}"


def test_a_search_shows_what_it_was_read_as(client, trained_models):
    response = client.get("/catalog/", {"q": "men tshirt"})
    summary = response.context["summary"]
    assert summary.understood, "the categorizer reads 'men tshirt'"
    html = parse(response.content)
    text = html.one(data_test="understood").text()
    assert text.startswith("Showing results for")
    assert all(label in text for label in summary.understood.values())


def test_minimum_price_must_be_a_number(client):
    response = client.get("/catalog/", {"min_price": "abc", "max_price": "300"})
    assert response.context["filters"].min_price is None
    assert response.context["filters"].max_price == Decimal("300")


def test_a_category_with_its_subcategory_picked_counts_by_the_same_rule():
    """Footwear and Shoes picked: without Footwear, Shoes still lists only Footwear, so its
    counts are the result's (no query of their own); a subcategory of another category
    picked beside it is counted apart."""
    row = active().values("master_category_id", "sub_category_id").annotate(n=Count("id")).order_by("-n")[0]
    master, sub = row["master_category_id"], row["sub_category_id"]
    facets = facets_for({"master": str(master), "sub": str(sub)})
    assert [(v.value, v.count) for v in facets.masters] == [(master, row["n"])]
    for value in facets.subs:
        assert value.count == active().filter(master_category_id=master, sub_category_id=value.value).count()
    other = active().exclude(master_category_id=master).values_list("sub_category_id", flat=True).first()
    mixed = facets_for({"master": str(master), "sub": [str(sub), str(other)]})
    masters = by_value(mixed.masters)
    assert masters[master].count == row["n"]
    assert sum(v.count for v in mixed.masters) == active().filter(sub_category_id__in=[sub, other]).count()
