"""SIMULATED shoppers, for measuring the personal feed without real customer data."""
