from django.apps import AppConfig


class SellerAccountsConfig(AppConfig):
    name = "seller_accounts"
    default_auto_field = "django.db.models.BigAutoField"
