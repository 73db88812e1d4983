package dev.streamgate.config;

/** The wire protocol a deployment speaks. */
public enum ProviderKind {
    /** Anything that speaks OpenAI's chat completions API: OpenAI, vLLM, TGI, Ollama, llama.cpp server. */
    OPENAI,
    /** The built-in echo model: streams the last user message back word by word. */
    ECHO
}
