"""Statistics over reports: counts that follow item keys and themes across checklist versions."""
