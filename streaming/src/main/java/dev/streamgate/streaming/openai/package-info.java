/** OpenAI's chat completions wire format: request parsing and validation, chunk and response codecs. */
package dev.streamgate.streaming.openai;
