/** The adapter for upstreams that speak OpenAI's chat completions API (OpenAI, vLLM, TGI, Ollama, llama.cpp). */
package dev.streamgate.adapters.openai;
