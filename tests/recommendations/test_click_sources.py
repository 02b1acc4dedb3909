"""Clicks on carousels and the feed are stored: the tiles' links say where they were, the
product page's view event keeps it, and the feed counts the times it was shown."""

import pytest
from django.utils import timezone

from main.models import Product
from recommendations.models import FeedImpressions, ProductEvent
from recommendations.services import views_flush
from tests.html import parse

pytestmark = pytest.mark.usefixtures("catalog", "trained_models")


def test_a_carousel_tile_links_with_its_source_and_the_view_records_it(client):
    product = Product.objects.filter(article_type__name="Tshirts").first()
    page = parse(client.get(product.get_absolute_url()).content)
    links = [a.attrs.get("href") for a in page.select("a") if "?from=" in (a.attrs.get("href") or "")]
    assert links and all(link.endswith("?from=similar") or link.endswith("?from=complete") for link in links)
    client.get(links[0])
    views_flush()
    assert ProductEvent.objects.order_by("-id").values_list("source", flat=True)[0] in {"similar", "complete"}


def test_the_home_feed_counts_its_impressions_and_its_clicks(client):
    for _ in range(2):
        page = parse(client.get("/").content)
    assert FeedImpressions.objects.get(day=timezone.localdate()).count == 2
    links = [a.attrs.get("href") or "" for a in page.select("a")]
    feed_link = next(link for link in links if link.endswith("?from=feed"))
    client.get(feed_link)
    views_flush()
    assert ProductEvent.objects.filter(source=ProductEvent.Source.FEED).count() == 1
