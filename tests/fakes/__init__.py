"""Local HTTP servers that speak each language-model vendor's wire format."""
