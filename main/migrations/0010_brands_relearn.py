"""Catalog brands re-read with the one brand lexicon (``ml.catalog.brands.BrandLexicon``), so that
the stored ``Product.brand`` is what the search's query reader names ("Mr.Men", not "Mr.";
"ADIDAS", not "ADIDAS Black"). Only brands read from the name are replaced: a catalog
product whose stored brand is not the start of its name keeps it (someone typed it)."""

from django.db import migrations

BATCH = 2000
BRAND_MAX_LENGTH = 60  # Product.brand


def relearn(apps, schema_editor):
    from ml.catalog.brands import BrandLexicon, brand_key

    Product = apps.get_model("main", "Product")
    catalog = list(Product.objects.filter(dataset_id__isnull=False).order_by("pk").only("pk", "name", "brand"))
    lexicon = BrandLexicon().fit(p.name for p in catalog)
    changed = []
    for product in catalog:
        read_from_name = brand_key(product.name).startswith(brand_key(product.brand))
        brand = lexicon.read(product.name)[:BRAND_MAX_LENGTH]
        if read_from_name and brand != product.brand:
            product.brand = brand
            changed.append(product)
    Product.objects.bulk_update(changed, ["brand"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("main", "0009_fulltext")]

    operations = [migrations.RunPython(relearn, migrations.RunPython.noop)]
