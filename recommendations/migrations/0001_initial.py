"""ProductEvent and ProductNeighbours move here from ``main``, keeping their tables and rows:
only Django's state changes (``main.0011`` forgets them there); no table is created or copied."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("main", "0010_brands_relearn"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ProductEvent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("session_key", models.CharField(blank=True, help_text='Anonymous visitor id (the signed "visitor" cookie).', max_length=40)),
                        ("kind", models.CharField(choices=[("view", "View"), ("cart", "Add to cart"), ("purchase", "Purchase"), ("wishlist", "Add to wishlist")], max_length=10)),
                        ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ("product", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="main.product")),
                        ("user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "main_productevent",
                        "indexes": [
                            models.Index(fields=["user", "-created_at"], name="main_produc_user_id_094582_idx"),
                            models.Index(fields=["session_key", "-created_at"], name="main_produc_session_fb078b_idx"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ProductNeighbours",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("neighbour_ids", models.JSONField(default=list)),
                        ("scores", models.JSONField(default=list)),
                        ("reasons", models.JSONField(default=list)),
                        ("index_version", models.CharField(max_length=100)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("product", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="neighbours", to="main.product")),
                    ],
                    options={"db_table": "main_productneighbours"},
                ),
            ],
        ),
    ]
