"""What every model knows about a product: the schema, the dataset, cleaning and text rules."""
