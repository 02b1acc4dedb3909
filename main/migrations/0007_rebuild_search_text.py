"""Rebuild every product's ``search_text``: search now singularises words as the categorizer
does (``ml.catalog.text``), so stored text must be read the same way as new queries."""

from django.db import migrations

BATCH = 2000


def rebuild(apps, schema_editor):
    from main.search_text import build_search_text

    Product = apps.get_model("main", "Product")
    products = Product.objects.select_related("gender", "article_type__sub_category").order_by("pk")
    batch = []
    for product in products.iterator(chunk_size=BATCH):
        product.search_text = build_search_text([
            product.name, product.article_type.name, product.article_type.sub_category.name,
            product.gender.name, product.base_colour, product.usage,
        ])
        batch.append(product)
        if len(batch) == BATCH:
            Product.objects.bulk_update(batch, ["search_text"])
            batch = []
    Product.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("main", "0006_productevent_created_at_default")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
