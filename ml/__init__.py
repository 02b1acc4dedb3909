"""In-process machine learning for the marketplace.

Plain Python + scikit-learn: this package trains, saves, loads and answers questions.
It never imports Django; the Django apps call it.
"""
