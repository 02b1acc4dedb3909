"""Moving ProductEvent and ProductNeighbours from main to recommendations keeps every row: a
database populated at the landed schema (main 0010) is migrated forward and read through the
new app's models."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from main.models import Product
from recommendations.models import ProductEvent, ProductNeighbours

# The schema as it was before the move: main's last migration then, recommendations not yet made.
LANDED = [("main", "0010_brands_relearn"), ("recommendations", None)]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()  # what was applied, read again for the next plan
    return executor


@pytest.mark.django_db(transaction=True)
def test_a_populated_database_keeps_every_event_and_neighbour_row():
    executor = _migrate(LANDED)
    moved = {app for app, _ in LANDED}
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in moved]
    old = executor.loader.project_state([*others, LANDED[0]]).apps
    seller = old.get_model("accounts", "User").objects.create(username="old-shop", password="!")
    gender = old.get_model("main", "Gender").objects.create(name="Men")
    master = old.get_model("main", "MasterCategory").objects.create(name="Apparel")
    sub = old.get_model("main", "SubCategory").objects.create(name="Topwear", master_category=master)
    article = old.get_model("main", "ArticleType").objects.create(name="Tshirts", sub_category=sub)
    products = [
        old.get_model("main", "Product").objects.create(
            seller=seller, name=f"Old Tshirt {i}", gender=gender, article_type=article,
            sub_category=sub, master_category=master, price=499, dataset_id=9000 + i,
        )
        for i in range(3)
    ]
    OldEvent = old.get_model("main", "ProductEvent")
    events = [
        OldEvent.objects.create(product=products[0], kind="view", session_key="visitor-1"),
        OldEvent.objects.create(product=products[1], kind="purchase", user=seller),
        OldEvent.objects.create(product=products[2], kind="wishlist", session_key="visitor-2"),
    ]
    old.get_model("main", "ProductNeighbours").objects.create(
        product=products[0], neighbour_ids=[products[1].pk, products[2].pk], scores=[0.9, 0.8],
        reasons=["Same type", "Same colour"], index_version="v1",
    )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    columns = ("id", "product_id", "kind", "user_id", "session_key")
    assert list(ProductEvent.objects.order_by("id").values_list(*columns)) == [
        (e.pk, e.product_id, e.kind, e.user_id, e.session_key) for e in events
    ]
    neighbours = ProductNeighbours.objects.get(product_id=products[0].pk)
    assert neighbours.neighbour_ids == [products[1].pk, products[2].pk] and neighbours.index_version == "v1"
    assert neighbours.reasons == ["Same type", "Same colour"]
    assert Product.objects.filter(dataset_id__gte=9000).count() == 3
    # New rows go to the same tables.
    ProductEvent.objects.create(product_id=products[0].pk, kind="cart", session_key="visitor-1")
    assert ProductEvent.objects.filter(session_key="visitor-1").count() == 2
