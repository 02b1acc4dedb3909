"""Search relevance without Django: what a query asks for (gender, article types, colour,
brand, the words that should match, spelling and spacing fixed), learned from the catalog at
train time (:mod:`ml.search.understand`) and saved in the artifact store."""
