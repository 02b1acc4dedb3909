"""The registry's admin pages show versions and the alias history to staff, and change nothing."""

import pytest
from django.contrib.admin.sites import site
from django.test import override_settings
from django.urls import reverse

from serving import registry, services
from serving.models import AliasMove, ModelVersion


@pytest.fixture
def admin_client(client, django_user_model, tmp_path):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    with override_settings(MODELS_DIR=tmp_path / "models"):
        metadata = registry.store().save("test-model", {"a": 1}, data_fingerprint="f00d", training_rows=3)
        services.version_register(metadata=metadata, trained_by="person:root")
        yield client
    registry.reload_all()


@pytest.mark.django_db
def test_versions_and_history_are_shown_read_only(admin_client):
    version = ModelVersion.objects.get()
    page = admin_client.get(reverse("admin:serving_modelversion_change", args=[version.pk]))
    assert page.status_code == 200 and b"first version of its kind" in page.content
    assert b'name="_save"' not in page.content  # nothing to save
    history = admin_client.get(reverse("admin:serving_aliasmove_changelist"))
    assert history.status_code == 200 and version.version.encode() in history.content
    for model in (ModelVersion, AliasMove):
        model_admin = site._registry[model]
        request = history.wsgi_request
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
