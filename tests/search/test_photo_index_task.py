"""A bulk upload's photos join the photo index on the queue (search by photo finds them before
the next retrain); the task embeds only what the index lacks, so a second run is a no-op."""

from __future__ import annotations

from django.core.files.base import ContentFile

from ml.photo.index import load_photo_index
from ml.store import ArtifactStore
from search.tasks import photo_index_add
from tests.conftest import dataset_image


def test_a_new_listing_photo_joins_the_index_once(catalog, trained_photo_models, seller, make_product):
    product = make_product(seller=seller, name="Indigo denim jacket")
    product.image.save("jacket.jpg", ContentFile(dataset_image(7).read_bytes()))
    draft = make_product(seller=seller, name="Unlisted scarf", is_active=False)
    draft.image.save("scarf.jpg", ContentFile(dataset_image(8).read_bytes()))
    store = ArtifactStore(trained_photo_models)
    before = load_photo_index(store=store)
    assert product.pk not in before

    result = photo_index_add.delay([product.pk, draft.pk]).get()
    after = load_photo_index(store=store)
    assert result["added"] == 1 and product.pk in after and draft.pk not in after  # live ones only
    assert len(after) == len(before) + 1

    again = photo_index_add.delay([product.pk]).get()
    assert again["added"] == 0 and load_photo_index(store=store).version == after.version
