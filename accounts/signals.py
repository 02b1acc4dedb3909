"""What accounts announce, for the apps that own data about a user to react to (accounts
imports no other app of the project).

``account_deleting`` (``user``): sent inside the deletion's transaction, before the person
is erased; every app erases or anonymises its own data of them.
``seller_verified`` (``seller``): a seller proved their email; their held listings go live.
"""

from django.dispatch import Signal

account_deleting = Signal()
seller_verified = Signal()
