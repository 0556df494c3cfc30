"""The weekly (or fortnightly) cycle: periods, reporting deadlines."""
