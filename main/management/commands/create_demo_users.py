from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.models import User
from main.catalog_import import demo_sellers

DEMO_PASSWORD = "demo-pass-2026"


class Command(BaseCommand):
    help = "Create (or reset) the demo buyer, seller and admin accounts and print their credentials."

    def handle(self, *args, **options):
        seller = demo_sellers()[0]
        seller.set_password(DEMO_PASSWORD)
        seller.email_verified_at = seller.email_verified_at or timezone.now()  # listings go live
        seller.save(update_fields=["password", "email_verified_at"])
        buyer, _ = User.objects.get_or_create(username="buyer", defaults={"email": "buyer@example.com"})
        buyer.set_password(DEMO_PASSWORD)
        buyer.save()
        admin, _ = User.objects.get_or_create(username="admin", defaults={"email": "admin@example.com"})
        admin.is_staff = admin.is_superuser = True
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all three: {DEMO_PASSWORD})"))
        self.stdout.write(f"  buyer:  {buyer.username}")
        self.stdout.write(f"  seller: {seller.username} ({seller.shop_name}, owns a quarter of the catalog)")
        self.stdout.write(f"  admin:  {admin.username}  → http://127.0.0.1:8000/admin/")
