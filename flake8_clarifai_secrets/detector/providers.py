"""Other providers of hosted models, as LiteLLM and LangChain name them.

A LiteLLM model starts with its provider (`together_ai/meta-llama/...`), and LangChain's
`init_chat_model` takes `"together:..."` or `model_provider="together"`: a key beside such a model
goes to that provider. A registry keyed by provider (`{"clarifai": "<key>", "together": "<key>"}`)
holds each provider's key under its name. Sources: LiteLLM's `LlmProviders`, LangChain's
`init_chat_model` providers.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from typing import Optional

from flake8_clarifai_secrets.credentials import is_credential_name, name_words, points_elsewhere
from flake8_clarifai_secrets.detector.tree import string

# LiteLLM's providers that send a key elsewhere. Left out: `clarifai`, and `openai` (with
# `custom_openai`, `text-completion-openai`, `hosted_vllm`), which go wherever `api_base` says,
# Clarifai's OpenAI-compatible endpoint included.
LITELLM = frozenset(
    {
        "ai21", "ai21_chat", "anthropic", "anyscale", "azure", "azure_ai", "azure_text",
        "baseten", "bedrock", "cerebras", "cloudflare", "codestral", "cohere", "cohere_chat",
        "databricks", "deepinfra", "deepseek", "fireworks_ai", "friendliai", "gemini",
        "github", "groq", "huggingface", "maritalk", "mistral", "nlp_cloud", "nvidia_nim",
        "ollama", "ollama_chat", "openrouter", "palm", "perplexity", "predibase", "replicate",
        "sagemaker", "sagemaker_chat", "text-completion-codestral", "together_ai",
        "vertex_ai", "vertex_ai_beta", "volcengine", "voyage", "watsonx", "xai",
    }
)  # fmt: skip
# LangChain's `init_chat_model` providers but `openai`, which follows `base_url`.
LANGCHAIN = frozenset(
    {
        "anthropic", "azure_ai", "azure_openai", "bedrock", "bedrock_converse", "cohere",
        "deepseek", "fireworks", "google_anthropic_vertex", "google_genai", "google_vertexai",
        "groq", "huggingface", "ibm", "mistralai", "nvidia", "ollama", "perplexity", "together",
        "xai",
    }
)  # fmt: skip
# Words that name a provider in a registry's keys (`"together"`, `"TOGETHER_API_KEY"`,
# `"mistral-large"`). Not `openai`: `OPENAI_API_KEY` holds a PAT where `OPENAI_BASE_URL` points
# at Clarifai.
_NAMES = frozenset(
    {
        "anthropic", "anyscale", "azure", "bedrock", "cerebras", "cohere", "deepinfra",
        "deepseek", "fireworks", "gemini", "groq", "huggingface", "hyperbolic", "mistral",
        "mistralai", "nebius", "novita", "openrouter", "perplexity", "replicate",
        "sambanova", "together", "togetherai", "vertex", "xai",
    }
)  # fmt: skip
_PREFIX = re.compile(r"([a-z][a-z0-9_-]*)[/:]")


def model_provider(model: str) -> Optional[str]:
    """The provider that a model string names, other than Clarifai or OpenAI's:
    `together_ai/...` (LiteLLM), `together:...` (LangChain), or a provider's id alone."""
    lowered = model.strip().lower()
    if lowered in LITELLM or lowered in LANGCHAIN:
        return lowered
    prefix = _PREFIX.match(lowered)
    if prefix is None or lowered[prefix.end() - 1 : prefix.end() + 2] == "://":
        return None
    name, separator = prefix[1], lowered[prefix.end() - 1]
    return name if name in (LITELLM if separator == "/" else LANGCHAIN) else None


def names_provider(name: str) -> bool:
    """Whether a registry's key names another provider: `"together"`, `"TOGETHER_API_KEY"`."""
    words = name_words(name)
    return "clarifai" not in words and bool(words & _NAMES)


def rows_elsewhere(rows: Sequence[Sequence[ast.expr]], element: int) -> list[bool]:
    """For each row of a table that a loop unpacks or `parametrize` gives, whether its
    `element` goes to another provider: another row names Clarifai in one of its items
    (`"clarifai"`, a `clarifai.com` URL), none of this row's does, and this row has there
    another provider's name or another host (`("together", "https://api.together.xyz/v1",
    "<key>")` beside `("clarifai", ...)`), or, in a table of services and their credentials'
    names, any other name (`("pinecone", "api_key", "<key>")` beside `("clarifai", "pat",
    ...)`, as a keyring's are; not a model's owner, `("openai", "chat-completion", ...)`). A
    table with no Clarifai row (models and their keys, images to tag) says nothing."""
    texts = [[string(item) or "" for item in row] for row in rows]
    columns = {
        column
        for row in texts
        for column, text in enumerate(row)
        if column != element and "clarifai" in text.lower()
    }
    labels = [_labels_credential(row) for row in texts]
    services = {
        column
        for row, labelled in zip(texts, labels)
        for column in columns
        if column < len(row) and row[column].lower() == "clarifai" and labelled
    }
    return [
        not any("clarifai" in text.lower() for text in row)
        and any(
            column < len(row)
            and (
                names_provider(row[column])
                or bool(points_elsewhere([row[column]]))
                or (column in services and labelled)
            )
            for column in columns
        )
        for row, labelled in zip(texts, labels)
    ]


def _labels_credential(row: Sequence[str]) -> bool:
    """Whether a row names its credential: `("pinecone", "api_key", ...)`."""
    return any(text.isidentifier() and is_credential_name(text, clarifai_file=True) for text in row)
