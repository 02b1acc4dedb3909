"""The catalog audit: products whose label the name and the photo, read together, disagree with."""
