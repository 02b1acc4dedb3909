"""Free gifts and vouchers ("Free Items") come with an order: the catalog's facets do not offer
them as a category, subcategory or article type to shop (issue 25), though a link that picked
one still shows it, so that it can be removed."""

from __future__ import annotations

from search.forms import CatalogFilterForm
from search.listing import catalog_page
from tests.main.test_departments import article_type


def facets_of(**params):
    return catalog_page(filters=CatalogFilterForm(params).filters(), number=1, size=1)[1]


def test_free_items_are_not_offered_as_filters(seller, make_product):
    tee = article_type("Apparel", "Topwear", "Tshirts")
    gift = article_type("Free Items", "Free Gifts", "Free Gifts")
    make_product(seller=seller, article_type=tee, name="Plain Tshirt")
    make_product(seller=seller, article_type=gift, name="Free Gift Tshirt Bag")
    every = facets_of()
    assert [v.label for v in every.masters] == ["Apparel"]
    assert every.total == 2  # the products are listed; only the filter is not offered
    searched = facets_of(q="tshirt")
    assert searched.total == 2 and "Topwear" in [v.label for v in searched.subs]  # both found
    assert "Free Gifts" not in [v.label for v in searched.subs + searched.types]
    picked = facets_of(master=str(gift.sub_category.master_category_id))
    assert [(v.label, v.selected) for v in picked.masters if v.selected] == [("Free Items", True)]
