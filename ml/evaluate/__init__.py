"""The measuring scripts: ``python -m ml.evaluate.categorization`` and friends (``make evaluate``)."""
