"""Categorization: gender, category path, colour and usage from a product's name."""
