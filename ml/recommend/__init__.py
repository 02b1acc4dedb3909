"""Recommenders: similar items, complete the look and the personal feed."""
