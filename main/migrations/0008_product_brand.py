"""``Product.brand``, read from every name (``ml.catalog.brands``): the brand facet."""

from django.db import migrations, models

BATCH = 2000


def fill(apps, schema_editor):
    from ml.catalog.brands import brand_lexicon, known_brand, read_brands

    Product = apps.get_model("main", "Product")
    catalog = list(Product.objects.filter(dataset_id__isnull=False).order_by("pk").only("pk", "name"))
    brands = read_brands([p.name for p in catalog])
    lexicon = brand_lexicon(p.name for p in catalog)
    listed = list(Product.objects.filter(dataset_id__isnull=True).only("pk", "name"))
    for product, brand in [*zip(catalog, brands, strict=True),
                           *((p, known_brand(p.name, lexicon)) for p in listed)]:
        product.brand = brand[:60]
    Product.objects.bulk_update([*catalog, *listed], ["brand"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("main", "0007_rebuild_search_text")]

    operations = [
        migrations.AddField(
            model_name="product",
            name="brand",
            field=models.CharField(
                blank=True, db_index=True, max_length=60,
                help_text="Left empty, it is read from the start of the name (a brand the shop knows).",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
