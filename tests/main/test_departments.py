"""The home page's departments as a shop shows them: free gifts and vouchers are no department
to browse, and the dataset's two names for skincare ("Skin", "Skin Care") are one section."""

from __future__ import annotations

from main.models import ArticleType, MasterCategory, SubCategory
from main.selectors import departments


def article_type(master: str, sub: str, name: str) -> ArticleType:
    master_row, _ = MasterCategory.objects.get_or_create(name=master)
    sub_row, _ = SubCategory.objects.get_or_create(master_category=master_row, name=sub)
    return ArticleType.objects.get_or_create(sub_category=sub_row, name=name)[0]


def test_skin_and_skin_care_are_one_section_and_free_items_no_department(client, seller, make_product):
    creams = article_type("Personal Care", "Skin Care", "Face Moisturisers")
    lotions = article_type("Personal Care", "Skin", "Body Lotion")
    lipstick = article_type("Personal Care", "Lips", "Lipstick")
    voucher = article_type("Free Items", "Vouchers", "Ipad")
    gift = article_type("Free Items", "Free Gifts", "Free Gifts")
    for kind, count in ((creams, 2), (lotions, 1), (lipstick, 2), (voucher, 1), (gift, 1)):
        for _ in range(count):
            make_product(seller=seller, article_type=kind)

    shown = departments()
    assert [d.master.name for d in shown] == ["Personal Care"]
    care = shown[0]
    assert [(s.name, s.listed) for s in care.subs] == [("Skin", 3), ("Lips", 2)]
    assert care.listed == 5
    skin = care.subs[0]
    assert set(skin.ids) == {creams.sub_category_id, lotions.sub_category_id}

    html = client.get("/").content.decode()
    master = care.master.id
    both = "&".join(f"sub={i}" for i in skin.ids)
    assert f"?master={master}&{both}" in html
    assert ">Skin Care<" not in html and "Free Items" not in html and "Vouchers" not in html
