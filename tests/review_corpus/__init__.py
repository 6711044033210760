"""A seeded-bug corpus: source files in several languages with known true bugs, the true
fixes, and the noise a real model adds to its answers (`expectations`)."""
