"""How the dataset's taxonomy reads as a shop's departments (the home page's "Shop by
department"): display rules only, the imported taxonomy and products are left as they are.

- "Free Items" (free gifts, vouchers) is no department: those come with an order, they are not
  something a shopper goes to a department to buy.
- The dataset files skincare under two subcategories of Personal Care, "Skin" and "Skin
  Care" (two spellings of one shelf, from different years of the source shop): a shopper sees
  one section, "Skin", that browses both.
"""

from __future__ import annotations

NOT_DEPARTMENTS = frozenset({"Free Items"})
# (master, subcategory) -> the section it is shown in.
SAME_SECTION = {("Personal Care", "Skin Care"): "Skin"}


def is_department(*, master: str) -> bool:
    return master not in NOT_DEPARTMENTS


def section_name(*, master: str, sub: str) -> str:
    """The name a subcategory is shown under in its department."""
    return SAME_SECTION.get((master, sub), sub)
