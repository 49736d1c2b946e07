"""Hard cases a person handles: opening a handoff (`opening`), the summary an agent reads
first (`summary`), what agents do with it (`casework`), and crisis lines (`crisis`)."""
