"""Marketing that respects every choice: who a campaign may reach, sending, unsubscribing, engagement (R37-R40)."""
