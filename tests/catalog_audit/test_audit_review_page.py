"""The audit's review page as staff use it: pending suspects first (the ones to decide), the
decision buttons early in the row, and confidences as percentages, never raw floats."""

from __future__ import annotations

from catalog_audit.models import CatalogSuspect
from catalog_audit.services import suspect_reject
from tests.catalog_audit.test_audit import CHANGELIST, suspects  # noqa: F401 (a fixture)

RAW = 0.13857142857


def test_the_list_shows_the_pending_suspects_by_default(suspects, client, staff):  # noqa: F811
    suspect_reject(suspect=suspects[0], reviewer=staff)
    client.force_login(staff)
    response = client.get(CHANGELIST)
    shown = list(response.context["cl"].result_list)
    assert shown and all(s.status == CatalogSuspect.Status.PENDING for s in shown)
    assert suspects[0] not in shown
    page = response.content.decode()
    assert page.count(">Accept</button>") == len(suspects) - 1
    # Every status is one click away, "All" included.
    everything = client.get(CHANGELIST, {"status": "all"})
    assert len(everything.context["cl"].result_list) == len(suspects)
    decided = client.get(CHANGELIST, {"status": "rejected"})
    assert list(decided.context["cl"].result_list) == [suspects[0]]


def test_the_decision_comes_right_after_the_product(suspects, client, staff):  # noqa: F811
    client.force_login(staff)
    columns = list(client.get(CHANGELIST).context["cl"].list_display)
    assert columns.index("decide") <= columns.index("product_link") + 1


def test_confidences_read_as_percentages(suspects, client, staff):  # noqa: F811
    suspect = suspects[0]
    CatalogSuspect.objects.filter(pk=suspect.pk).update(
        confidence=RAW, label_confidence=RAW, name_confidence=RAW, photo_confidence=RAW, score=RAW
    )
    client.force_login(staff)
    for url in (CHANGELIST, f"{CHANGELIST}{suspect.pk}/change/"):
        page = client.get(url).content.decode()
        assert "0.1385" not in page, url
        assert "14%" in page, url
