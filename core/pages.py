"""Numbers every page shares: how many rows a page lists, and how long cached parts live."""

# Products or rows per page: 24 fills a grid of 2, 3, 4 or 6 columns evenly.
PAGE_SIZE = 24

# How long a cached part may be stale, in seconds (see README, "Where the time of a page goes").
FACETS_SECONDS = 120  # a filter set's facet counts and best-match ranking
TAXONOMY_SECONDS = 300  # the taxonomy rows, kept in each process
CAROUSELS_SECONDS = 300  # a product page's rendered carousels
ATTRIBUTE_CHOICES_SECONDS = 600  # the colours, usages and seasons a listing form offers
