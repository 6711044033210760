"""The known providers as presets: kind, base URL, key variable, structured-output support.

A user names a preset and overrides what differs; the OpenAI-compatible family has one per
vendor and local server. The presets also say which endpoint each known key belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("openai", "anthropic", "gemini", "ollama")
STRUCTURED = ("schema", "json", "none")


@dataclass(frozen=True, slots=True)
class Preset:
    """What a provider entry that names this preset gets unless it says otherwise."""

    kind: str
    base_url: str
    api_key_env: str | None
    structured: str = "schema"
    max_tokens_field: str = "max_tokens"


PRESETS: dict[str, Preset] = {
    "openai": Preset("openai", "https://api.openai.com/v1", "OPENAI_API_KEY", "schema",
                     "max_completion_tokens"),
    "groq": Preset("openai", "https://api.groq.com/openai/v1", "GROQ_API_KEY", "json"),
    "openrouter": Preset("openai", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", "json"),
    "deepseek": Preset("openai", "https://api.deepseek.com", "DEEPSEEK_API_KEY", "json"),
    "together": Preset("openai", "https://api.together.xyz/v1", "TOGETHER_API_KEY", "json"),
    "mistral": Preset("openai", "https://api.mistral.ai/v1", "MISTRAL_API_KEY", "json"),
    # Hugging Face's Inference Providers router; whether a JSON schema is honoured depends on
    # the provider behind it, JSON mode plus the instruction works across them.
    "huggingface": Preset("openai", "https://router.huggingface.co/v1", "HF_TOKEN", "json"),
    "vllm": Preset("openai", "http://127.0.0.1:8000/v1", None, "schema"),
    "llamacpp": Preset("openai", "http://127.0.0.1:8080/v1", None, "schema"),
    "lmstudio": Preset("openai", "http://127.0.0.1:1234/v1", None, "schema"),
    "anthropic": Preset("anthropic", "https://api.anthropic.com", "ANTHROPIC_API_KEY", "schema"),
    "gemini": Preset("gemini", "https://generativelanguage.googleapis.com/v1beta",
                     "GEMINI_API_KEY", "schema"),
    "ollama": Preset("ollama", "http://127.0.0.1:11434", None, "schema"),
}  # fmt: skip


KEY_HOMES: dict[str, str] = {
    preset.api_key_env: preset.base_url for preset in PRESETS.values() if preset.api_key_env
}
"""Each known provider's key variable and the endpoint it belongs to."""

PROJECT_KEY_PREFIX = "PEER_"
"""Besides the known providers' variables, the only key variables a project file may name."""
