package dev.streamgate.config;

/** The wire protocol a deployment speaks. */
public enum ProviderKind {
    /** Anything that speaks OpenAI's chat completions API: OpenAI, vLLM, TGI, Ollama, llama.cpp server. */
    OPENAI,
    /** The built-in echo model: streams the last user message back word by word. */
    ECHO,
    /**
     * StreamGate's own engine running inside the gateway process (option {@code model}: a bundled model name such
     * as {@code demo-chat}, or {@code modelPath}: a Hugging Face folder). Remote workers are {@link #OPENAI}
     * deployments pointing at the worker's {@code /v1}.
     */
    WORKER
}
