"""Secrets found in text and replaced by placeholders: `redact` (the entry points),
`detectors` (secrets by their shape), `assignments` (literals bound to secret-like names),
`values` (what a secret looks like) and `placeholders`."""
