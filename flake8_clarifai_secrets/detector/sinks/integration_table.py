"""Integrations whose credential is a Clarifai PAT: one row per callee, as data.

`always`: the callee is Clarifai's own (its credential is a PAT whatever else is passed). The others
are generic clients (OpenAI-compatible, LiteLLM, MCP) whose credential is a PAT only when the call
points at Clarifai; `integrations.py` looks for that evidence, for these and for any other callee,
and, for an `environment` row, where the file points `OPENAI_BASE_URL`.
Positions are 0-based at the call site. Sources: each integration's docs and source, 2026.
"""

from __future__ import annotations

from typing import NamedTuple


class Integration(NamedTuple):
    name: str
    callees: tuple[str, ...]
    keywords: frozenset[str]
    positions: tuple[int, ...] = ()
    always: bool = True
    # Reads its endpoint from `OPENAI_BASE_URL` when the call gives none, as OpenAI's SDK does.
    environment: bool = False
    # Takes no endpoint at all: its credential is a PAT in a file that names Clarifai.
    clarifai_file: bool = False
    # Goes where its model string says (`clarifai/...`, `openai/https://clarifai.com/...`), as
    # LiteLLM routes: one that names no Clarifai (`openai/gpt-4o`) goes to another service.
    routed: bool = False


_PAT = frozenset({"pat", "token"})
_API_KEY = frozenset({"api_key"})

INTEGRATIONS: tuple[Integration, ...] = (
    Integration(
        "LangChain LLM",
        ("langchain_community.llms.Clarifai", "langchain_community.llms.clarifai.Clarifai",
         "langchain.llms.Clarifai", "langchain.llms.clarifai.Clarifai"),
        _PAT,
    ),
    Integration(
        "LangChain embeddings",
        ("langchain_community.embeddings.ClarifaiEmbeddings",
         "langchain_community.embeddings.clarifai.ClarifaiEmbeddings",
         "langchain.embeddings.ClarifaiEmbeddings"),
        _PAT,
    ),
    Integration(
        "LangChain vector store",
        ("langchain_community.vectorstores.Clarifai",
         "langchain_community.vectorstores.clarifai.Clarifai"),
        _PAT,
        (3,),
    ),
    Integration(
        "LangChain vector store, before langchain_community",
        ("langchain.vectorstores.Clarifai", "langchain.vectorstores.clarifai.Clarifai"),
        _PAT,
        (2,),
    ),
    Integration(
        "LlamaIndex LLM",
        ("llama_index.llms.clarifai.Clarifai", "llama_index.llms.Clarifai",
         "llama_index.legacy.llms.Clarifai", "llama_index.legacy.llms.clarifai.Clarifai"),
        _PAT,
        (5,),
    ),
    Integration(
        "LlamaIndex embeddings",
        ("llama_index.embeddings.clarifai.ClarifaiEmbedding",
         "llama_index.embeddings.ClarifaiEmbedding",
         "llama_index.legacy.embeddings.ClarifaiEmbedding"),
        _PAT,
        (5,),
    ),
    Integration(
        "DSPy LM",
        ("dspy.Clarifai", "dsp.ClarifaiLLM", "dsp.modules.clarifai.ClarifaiLLM"),
        _API_KEY,
        (1,),
    ),
    Integration(
        "DSPy retriever",
        ("dspy.retrieve.clarifai_rm.ClarifaiRM", "dspy.ClarifaiRM"),
        frozenset({"clarifai_pat"}),
        (2,),
    ),
    Integration(
        "Embedchain config",
        ("embedchain.config.BaseLlmConfig", "embedchain.config.BaseEmbedderConfig"),
        _API_KEY,
        always=False,
    ),
    Integration(
        "MLflow gateway config",
        ("mlflow.gateway.config.ClarifaiConfig",),
        frozenset({"CLARIFAI_PAT", "clarifai_pat"}),
    ),
    Integration(
        "llama-stack config",
        ("llama_stack.providers.remote.inference.clarifai.config.ClarifaiImplConfig",
         "llama_stack.providers.remote.inference.clarifai.ClarifaiImplConfig"),
        frozenset({"PAT"}),
    ),
    Integration(
        "Unstructured destination",
        ("unstructured.ingest.connector.clarifai.ClarifaiAccessConfig",
         "unstructured_ingest.connector.clarifai.ClarifaiAccessConfig",
         "unstructured_ingest.v2.processes.connectors.clarifai.ClarifaiAccessConfig"),
        _API_KEY,
        (0,),
    ),
    Integration(
        "OpenAI client",
        ("openai.OpenAI", "openai.AsyncOpenAI", "openai.Client", "openai.AsyncClient"),
        _API_KEY,
        always=False,
        environment=True,
    ),
    Integration(
        "LangChain OpenAI",
        ("langchain_openai.ChatOpenAI", "langchain_openai.OpenAI",
         "langchain_openai.OpenAIEmbeddings", "langchain.chat_models.ChatOpenAI",
         "langchain_community.chat_models.ChatOpenAI"),
        frozenset({"api_key", "openai_api_key"}),
        always=False,
        environment=True,
    ),
    Integration(
        "OpenAI Agents SDK default key",
        ("agents.set_default_openai_key",),
        frozenset({"key"}),
        (0,),
        always=False,
        environment=True,
    ),
    Integration(
        "LiteLLM",
        ("litellm.completion", "litellm.acompletion", "litellm.text_completion",
         "litellm.embedding", "litellm.aembedding", "dspy.LM"),
        _API_KEY,
        always=False,
        routed=True,
    ),
    Integration("CrewAI", ("crewai.LLM",), _API_KEY, always=False, routed=True),
    Integration(
        "Google ADK",
        ("google.adk.models.lite_llm.LiteLlm",),
        _API_KEY,
        always=False,
        routed=True,
    ),
    Integration(
        "OpenAI Agents SDK",
        ("agents.extensions.models.litellm_model.LitellmModel",),
        _API_KEY,
        always=False,
        routed=True,
    ),
    Integration(
        "Agno",
        ("agno.models.openai.like.OpenAILike", "agno.models.openai.OpenAIChat"),
        _API_KEY,
        always=False,
    ),
    Integration(
        "smolagents",
        ("smolagents.OpenAIServerModel", "smolagents.OpenAIModel", "smolagents.LiteLLMModel",
         "smolagents.models.OpenAIServerModel", "smolagents.models.OpenAIModel",
         "smolagents.models.LiteLLMModel"),
        _API_KEY,
        (2,),
        always=False,
    ),
    Integration(
        "Hugging Face inference providers",
        ("huggingface_hub.InferenceClient", "huggingface_hub.AsyncInferenceClient"),
        frozenset({"api_key", "token"}),
        always=False,
    ),
    Integration(
        "gRPC call credentials, sent as `authorization: Bearer <token>` with every call",
        ("grpc.access_token_call_credentials",),
        frozenset({"access_token"}),
        (0,),
        always=False,
        clarifai_file=True,
    ),
    Integration(
        "MCP over HTTP",
        ("fastmcp.Client", "fastmcp.client.transports.StreamableHttpTransport",
         "fastmcp.client.transports.SSETransport"),
        frozenset({"auth"}),
        always=False,
    ),
)  # fmt: skip

ROUTED = frozenset(c for row in INTEGRATIONS if row.routed for c in row.callees)
