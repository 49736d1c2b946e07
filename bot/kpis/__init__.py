"""Whether collection works (CONTRACT §9): figures over a period, grouped, from the database only."""
