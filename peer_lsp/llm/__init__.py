"""Talking to language models: providers, the router, the cache and the guard. No LSP here."""
