"""The order form: a customer or a visitor buys an offer, pays through the configured provider (R02, R07, R83, R88)."""
