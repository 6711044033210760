"""Model review of units: prompts, parsing, locating, fix verification and confidence."""
