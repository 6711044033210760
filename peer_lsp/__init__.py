"""peer-lsp: an AI code reviewer that lives inside the editor."""

__version__ = "0.1.0"
