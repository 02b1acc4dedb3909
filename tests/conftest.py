"""Shared fixtures: a tmp MEDIA_ROOT, a small real catalog imported from the dataset, users.

Settings for the run come from ``tests/settings.py`` (DEBUG off, a test SECRET_KEY, no SSL
redirect): pytest-django loads settings before any conftest.py, see that module.

The catalog (the first ``CATALOG_SIZE`` good rows of the real ``styles.csv``, with their
photos) is imported once per test module that asks for it, inside an outer transaction
rolled back when the module is done: modules that never ask for it see an empty database
(within a module that does, every test from the first user on sees it, so keep tests that
need an empty catalog in their own modules). Each test's own writes are rolled back as
usual (pytest-django nests a savepoint per test).
Browser tests run against a live server with real transactions: they import their own
catalog (``tests/e2e/conftest.py``).
"""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.test.utils import override_settings

CATALOG_SIZE = 300
PASSWORD = "correct-Horse-battery-9"


def pytest_configure(config):
    # WhiteNoise looks for collected static files; the tests render pages without collecting.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


# ---- parallel runs (pytest-xdist: ``-n 2 --dist loadfile`` in pyproject.toml) ----

# Each test module runs on one worker (module-scoped fixtures, the imported catalog above all,
# are built once; the modules that share a server run as one unit, see ``work_unit`` below).
# Modules handed out first, longest first, so that no long one starts last and runs alone: the
# wall time is the busier worker's. Seconds of setup + calls from --durations of one run on 2
# cores shared with other jobs (load ~5.5: a 1,044 s run), with this branch's savings taken off
# (the e2e full catalog's recommenders on a sample; one light stack for both stack modules).
# The categorization module fits the cascade the vocabulary module reads (tests/ml/conftest.py,
# once per run): the vocabulary module, left with a 4,000-row TF-IDF-only fit (24-27 s) and
# quick tests, comes after the modules that take longer, so that the shared fit is done when it
# starts. (Measured on a run at load 5-8: the vocabulary module had 112 s of setup before
# it shared the fit; tests/ml/test_photo_catalog.py 47 s of setup and 54 s in one test.)
# (--dist loadgroup would group whole packages, but pytest-xdist 3.8 adds no group to the test
# ids under pytest 9: it runs as load.)
LONGEST_FIRST = {
    # Was one module of 324 s (the run's longest by far, so the busier worker's): the cascade's
    # training tests now in their own module, run beside it (measured at load 5-7: the sample's
    # cascade fit 196 s of setup; the training module's fits 78 + 40 + 33 + 22 + 21 + 20 + 17 s).
    "tests/ml/test_categorize_training.py": 235,
    "tests/ml/test_categorization.py": 215,
    "tests/stack/test_loopback_stack.py": 130,  # with tests/stack/test_login_lockout_stack.py
    "tests/e2e/test_ml_in_browser.py": 125,
    "tests/ml/test_photo_catalog.py": 105,
    "tests/catalog_audit/test_audit.py": 100,
    "tests/stack/test_login_lockout_stack.py": 11,  # in the loopback module's unit, after it
    "tests/e2e/test_photo_in_browser.py": 48,
    "tests/ml/test_categorize_vocabulary.py": 45,  # its cascade fitted by the categorization module's
    "tests/ml/test_audit.py": 40,
    "tests/security/test_api_fuzz.py": 34,
    "tests/e2e/test_walkthrough_in_browser.py": 22,
    "tests/ml/test_search_understand.py": 21,
    "tests/e2e/test_reviews_in_browser.py": 21,
    "tests/e2e/test_lifecycle_in_browser.py": 20,
    "tests/serving/test_trained_versions.py": 20,
}


# Modules that share a server started by a package-scoped fixture run as one unit on one worker,
# one after the other: the server then starts once per run instead of once per module (or per
# worker, or again whenever another package's module ran in between on that worker).
SHARED_SERVER_UNITS = {
    # scripts/stack.sh's light stack (tests/stack/conftest.py ``light_stack``): ~30 s to start.
    "tests/stack/test_loopback_stack.py": "tests/stack/light_stack",
    "tests/stack/test_login_lockout_stack.py": "tests/stack/light_stack",
}
SHARED_SERVER_PACKAGES = ("tests/postgres/", "tests/queue/")


def work_unit(path: str) -> str:
    """The unit of work a test module is scheduled in (its own path unless it shares a server)."""
    if path in SHARED_SERVER_UNITS:
        return SHARED_SERVER_UNITS[path]
    return next((package for package in SHARED_SERVER_PACKAGES if path.startswith(package)), path)


def pytest_collection_modifyitems(config, items):
    # A stable sort: tests keep their order within a module, modules theirs among the rest; the
    # modules of one work unit next to each other (at the rank of its longest module).
    order = {name: rank for rank, name in enumerate(LONGEST_FIRST)}
    position = {id(item): index for index, item in enumerate(items)}

    def module_key(item) -> tuple[int, int]:
        return order.get(item.nodeid.split("::")[0], len(order)), position[id(item)]

    unit_key: dict[str, tuple[int, int]] = {}
    for item in items:
        unit = work_unit(item.nodeid.split("::")[0])
        unit_key[unit] = min(unit_key.get(unit, module_key(item)), module_key(item))
    items.sort(key=lambda item: (unit_key[work_unit(item.nodeid.split("::")[0])], module_key(item)[0]))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile``, with the modules of a work unit (``work_unit``) handed out together."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class LoadUnitScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid.split("::", 1)[0])

    return LoadUnitScheduling(config, log)


def fashion_data() -> Path:
    """The dataset folder (``FASHION_DATA``); the tests need the real catalog."""
    path = Path(settings.FASHION_DATA)
    if not (path / "styles.csv").exists():
        pytest.fail(
            f"No Fashion Product Images dataset at {path}: set FASHION_DATA to the folder "
            "with styles.csv and images/.",
            pytrace=False,
        )
    return path


def dataset_image(index: int = 0) -> Path:
    """A real product photo from the dataset (by position among the sorted file names)."""
    images = _dataset_images(fashion_data())
    assert images, "the dataset has no images/"
    return images[index % len(images)]


@functools.cache
def _dataset_images(folder: Path) -> list[Path]:
    return sorted((folder / "images").glob("*.jpg"))


@pytest.fixture(scope="session", autouse=True)
def media_root(tmp_path_factory):
    """Uploaded and imported photos go to a tmp dir, never into the checkout's media/."""
    path = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=str(path)):
        yield path


@pytest.fixture(autouse=True)
def _clear_local_cache():
    """Facet counts and lookups are cached per process: no test sees another's counts (nor
    another's taxonomy, held in the process)."""
    from main.selectors import taxonomy_forget

    for alias in ("default", "local"):
        caches[alias].clear()
    taxonomy_forget()
    yield
    for alias in ("default", "local"):
        caches[alias].clear()
    taxonomy_forget()


@pytest.fixture(autouse=True)
def _no_queued_views():
    """Product views wait in this process's queue (``recommendations.services.view_log``): no
    test writes or reads another's."""
    from recommendations.services import views_forget

    views_forget()
    yield
    views_forget()


@pytest.fixture(autouse=True)
def _not_inside_a_task():
    """This process is no Celery worker. Celery keeps "inside a task: joins would block" in one
    process-wide flag that every eager task saves and restores around itself
    (``celery.result.denied_join_result``): eager tasks on several threads at once (the
    concurrent checkouts of tests/postgres) leave it set, and a later test's ``.get()`` of a
    task's result would then refuse to wait. Each test starts with it clear."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def _no_trained_models(tmp_path_factory):
    """Every test runs without trained ML models (pages then show no suggestions, forms no
    predictions), so what it asserts does not depend on whether ``make run`` trained models
    in models/; tests that need models ask for the ``trained_models`` fixture."""
    from serving import registry

    empty = tmp_path_factory.getbasetemp() / "no-models"
    empty.mkdir(exist_ok=True)
    registry.reload_all()
    with override_settings(MODELS_DIR=empty):
        yield
    registry.reload_all()


@pytest.fixture(scope="module")
def _module_catalog(django_db_setup, django_db_blocker):
    """Import the real catalog once per module, in a transaction rolled back afterwards."""
    from main.catalog_import import import_catalog

    data_dir = fashion_data()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            report = import_catalog(data_dir=data_dir, limit=CATALOG_SIZE)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield report
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def catalog(_module_catalog, db):
    """The import report of the small real catalog (its products are in the database)."""
    return _module_catalog


def _user(username: str, **fields):
    from django.utils import timezone

    from accounts.models import User

    # Verified, as the accounts that existed before verification are (accounts migration 0003).
    fields.setdefault("email_verified_at", timezone.now())
    user = User(username=username, email=f"{username}@example.com", **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def buyer(db):
    return _user("alice")


@pytest.fixture
def seller(db):
    from accounts.models import User

    return _user("northwind", role=User.Role.SELLER, shop_name="Northwind Outfitters")


@pytest.fixture
def other_seller(db):
    from accounts.models import User

    return _user("southwind", role=User.Role.SELLER, shop_name="Southwind Supply")


@pytest.fixture
def staff(db):
    return _user("staffer", is_staff=True, is_superuser=True)


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


@pytest.fixture
def seller_client(client, seller):
    client.force_login(seller)
    return client


@pytest.fixture
def shopper(db):
    """A second browser: an anonymous visitor, independent of ``client``."""
    from django.test import Client

    return Client()


def set_stock(product, stock: int, size=None) -> None:
    """Other shoppers bought meanwhile: a size's stock (``size_id``'s by default) becomes ``stock``."""
    from main.inventory import stock_set

    size = size or product.sizes.get(pk=size_id(product))
    stock_set(product=product, stock_by_size={size.label: stock})


def sell_out(product) -> None:
    """Every size of ``product`` sold out."""
    from main.inventory import stock_set

    stock_set(product=product, stock_by_size={s.label: 0 for s in product.sizes.all()})


def size_id(product) -> int:
    """The size a shopper picks in a test: the product's best-stocked one."""
    return product.sizes.order_by("-stock", "position").values_list("pk", flat=True)[0]


# The address a buyer types into the checkout form, in the form's field names.
CHECKOUT_ADDRESS = {
    "full_name": "Asha Rao",
    "line1": "12 MG Road",
    "city": "Bengaluru",
    "pin_code": "560001",
    "phone": "9876543210",
}


def bulk_review_data(formset) -> dict:
    """The bulk review table as a seller submits it: every cell as shown, and an empty gender
    or article type set to the select's last choice (what a seller picks to fix it)."""
    data = {"form-TOTAL_FORMS": str(len(formset.forms)), "form-INITIAL_FORMS": str(len(formset.forms))}
    for i, form in enumerate(formset.forms):
        for name, field in form.fields.items():
            value = form[name].value()
            if name in ("gender", "article_type") and not value:
                value = field.choices[-1][0] if not isinstance(field.choices[-1][1], list) else ""
            data[f"form-{i}-{name}"] = "" if value is None else value
    return data


def cart_line(cart, product, quantity: int, size=None):
    """A cart line of ``product`` in ``size`` (``size_id``'s by default, the one a test picks)."""
    from cart.models import CartItem

    size = size or product.sizes.get(pk=size_id(product))
    return CartItem.objects.create(cart=cart, product=product, size=size, quantity=quantity)


@pytest.fixture
def make_product(db):
    """A factory for listings in the catalog's real taxonomy (or a minimal one if empty)."""
    from main.inventory import stock_set
    from main.models import ArticleType, Gender, MasterCategory, Product, SubCategory

    counter = {"n": 0}

    def make(*, seller, name=None, price="499.00", stock=5, is_active=True, article_type=None, sizes=None,
             **fields):
        """``sizes`` ({label: stock}) are the listing's sizes; by default one, the first of its
        scale, holding all of ``stock`` (so a test can add it to a cart without picking one)."""
        counter["n"] += 1
        if article_type is None:
            article_type = ArticleType.objects.select_related("sub_category").first()
        if article_type is None:
            master = MasterCategory.objects.create(name="Apparel")
            sub = SubCategory.objects.create(master_category=master, name="Topwear")
            article_type = ArticleType.objects.create(sub_category=sub, name="Tshirts")
        gender = fields.pop("gender", None) or Gender.objects.get_or_create(name="Unisex")[0]
        from main.services import product_save

        product = Product(
            seller=seller,
            name=name or f"Test listing {counter['n']}",
            gender=gender,
            article_type=article_type,
            price=Decimal(price),
            stock=0,
            is_active=is_active,
            **fields,
        )
        product_save(product=product)
        stock_set(product=product, stock_by_size=sizes or {product.size_scale[0]: stock})
        return product

    return make


# ---- trained ML models, for the tests of the pages and commands that use them ----


def built_once(tmp_path_factory, name: str, build) -> Path:
    """A folder that ``build(folder)`` fills once per test run and tests only read: under
    pytest-xdist the first worker to ask builds it (holding a lock) and the others wait for it
    and reuse it, instead of each training the same model."""
    import fcntl
    import os
    import shutil

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's temp folder, above each worker's own
    folder, done = root / f"built-{name}", root / f"built-{name}.done"
    with open(root / f"built-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            done.touch()
    return folder


CATEGORIZER_SAMPLE = 6000


def exported_text_encoder(tmp_path_factory):
    """The sentence encoder's ONNX export (``ml.embed.text.text_encoder``, as ``train_models``
    encodes with it), exported once per run into a folder the pytest-xdist workers share."""
    from ml.embed.text import load_text_encoder, save_text_encoder
    from ml.store import ArtifactStore

    folder = built_once(tmp_path_factory, "text-encoder",
                        lambda folder: save_text_encoder(store=ArtifactStore(folder)))
    # All cores, as train_models' encoder (ml.categorize.train) has them.
    return load_text_encoder(store=ArtifactStore(folder), threads=0)


class _ExportedOnFirstUse:
    """The sentence encoder's ONNX export (``ml.embed.text.text_encoder``), exported into a
    folder the whole run shares on the first name encoded: tests that never encode a name pay
    nothing, and the pytest-xdist workers export it once between them."""

    uses_onnx = True  # ml.categorize.embedding then leaves torch's threads alone

    def __init__(self, tmp_path_factory):
        self._tmp_path_factory = tmp_path_factory
        self._encoder = None

    def _loaded(self):
        if self._encoder is None:
            self._encoder = exported_text_encoder(self._tmp_path_factory)
        return self._encoder._loaded()

    def encode(self, texts):
        self._loaded()
        return self._encoder.encode(texts)


@pytest.fixture(scope="session", autouse=True)
def _onnx_text_encoder(tmp_path_factory):
    """Names are encoded by the ONNX Runtime export, as ``train_models`` trains the categorizer
    (``ml.categorize.train``: twice as fast in batches as PyTorch, the same vectors to 1e-5,
    tests/ml/test_text_encoder.py), not by the PyTorch fallback a process starts with. Encoding
    was most of the suite's cascade fits: tests/ml/test_categorization.py's ``cascade`` fixture
    took 82 s on PyTorch."""
    from ml.categorize import embedding

    before = embedding._ENCODER
    embedding.use_encoder(_ExportedOnFirstUse(tmp_path_factory))
    yield
    embedding.use_encoder(before)


@pytest.fixture(scope="session")
def onnx_text_encoder(tmp_path_factory):
    """The run's ONNX export of the sentence encoder (``exported_text_encoder``)."""
    return exported_text_encoder(tmp_path_factory)


@pytest.fixture(scope="session")
def categorizer_artifact_dir(tmp_path_factory):
    """A categorizer trained once per session on a sample of the real dataset.

    Stratified by article type so the sample keeps the taxonomy's long tail.
    """
    from ml.catalog.dataset import fingerprint, load_styles
    from ml.categorize.cascade import CategoryCascade, text_and_labels
    from ml.categorize.train import ARTIFACT_NAME
    from ml.store import ArtifactStore

    def build(folder: Path) -> None:
        styles = load_styles(fashion_data())
        by_type = styles.groupby("articleType")
        quota = (by_type["id"].transform("size") * CATEGORIZER_SAMPLE / len(styles)).clip(lower=3)
        sample = styles[by_type.cumcount() < quota]
        # Naive Bayes: the same cascade, trained in seconds (the default estimator takes minutes).
        model = CategoryCascade(estimator="nb", augment=1).fit(*text_and_labels(sample))
        ArtifactStore(folder).save(
            ARTIFACT_NAME, model, data_fingerprint=fingerprint(sample), training_rows=len(sample)
        )

    return built_once(tmp_path_factory, "categorizer", build)


@pytest.fixture
def trained_models(categorizer_artifact_dir, tmp_path, db):
    """MODELS_DIR with the session's categorizer, and the recommenders and search reader built
    from this test's catalog."""
    import shutil

    from main.ml_fields import catalog_frame
    from ml.recommend.train import build_recommenders
    from ml.search.train import build_search_understanding
    from ml.store import ArtifactStore
    from recommendations.selectors import events_frame
    from serving import registry

    shutil.copytree(categorizer_artifact_dir, tmp_path, dirs_exist_ok=True)
    catalog = catalog_frame()
    if not catalog.empty:
        build_recommenders(catalog=catalog, events=events_frame(), store=ArtifactStore(tmp_path))
        # The search's query reader, lexical only (the sentence encoder would take a minute).
        build_search_understanding(catalog=catalog, store=ArtifactStore(tmp_path))
    registry.reload_all()
    with override_settings(MODELS_DIR=tmp_path):
        yield tmp_path
    registry.reload_all()


# ---- the photo model (ml.photo), for the tests of photo upload, search by photo and the audit ----

PHOTO_SAMPLE = 300  # dataset photos the session's photo model is trained on (a few seconds)
PHOTO_EPOCHS = 2


@pytest.fixture(scope="session")
def photo_artifact_dir(tmp_path_factory):
    """A photo model and its photo index, trained once per session on a small sample of the
    dataset's photos (stratified by article type, so most types are seen). Its accuracy is
    low (a few hundred photos): tests assert behaviour, not quality."""
    from ml.catalog.dataset import load_styles
    from ml.photo.train import PHOTO, QUICK_SPLIT_BLOCK, PhotoClassifier, train_photo_models
    from ml.store import ArtifactStore

    def build(folder: Path) -> None:
        data = fashion_data()
        styles = load_styles(data)
        styles = styles[[(data / "images" / f"{i}.jpg").exists() for i in styles["id"]]]
        by_type = styles.groupby("articleType")
        quota = (by_type["id"].transform("size") * PHOTO_SAMPLE / len(styles)).clip(lower=1)
        sample = styles[by_type.cumcount() < quota].reset_index(drop=True)
        sample[PHOTO] = [str(data / "images" / f"{i}.jpg") for i in sample["id"]]
        estimator = PhotoClassifier(split=QUICK_SPLIT_BLOCK, epochs=PHOTO_EPOCHS, flip=False,
                                    projection_components=64)
        train_photo_models(catalog=sample, store=ArtifactStore(folder), estimator=estimator)

    return built_once(tmp_path_factory, "photo", build)


@pytest.fixture
def trained_photo_models(trained_models, photo_artifact_dir):
    """``trained_models`` plus the session's photo model and a photo index of this test's
    catalog (the products' own photos), all in MODELS_DIR."""
    from main.ml_fields import photo_catalog_frame
    from ml.photo.model import ARTIFACT_NAME, load_photo_model
    from ml.photo.train import rebuild_photo_index
    from ml.store import ArtifactStore
    from serving import registry

    source = ArtifactStore(photo_artifact_dir)
    model, metadata = load_photo_model(store=source), source.metadata(ARTIFACT_NAME)
    target = ArtifactStore(trained_models)
    target.save(ARTIFACT_NAME, model, data_fingerprint=metadata["data_fingerprint"],
                training_rows=metadata["training_rows"], metrics=metadata["metrics"], writer=model.save)
    catalog = photo_catalog_frame()
    if not catalog.empty:
        rebuild_photo_index(catalog=catalog, store=target)
    registry.reload_all()
    yield trained_models
    registry.reload_all()
