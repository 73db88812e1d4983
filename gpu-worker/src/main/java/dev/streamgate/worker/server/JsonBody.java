package dev.streamgate.worker.server;

import dev.streamgate.streaming.openai.OpenAiChunkEncoder;
import dev.streamgate.worker.GenerationEvent;
import io.netty.handler.codec.http.HttpResponseStatus;

/** A whole JSON response: its status and its bytes. */
record JsonBody(HttpResponseStatus status, byte[] json) {

    /** A 500 whose body is OpenAI's error object, as a failed generation's stream would end. */
    static JsonBody serverError(String message) {
        return new JsonBody(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                OpenAiChunkEncoder.encodeError(new GenerationEvent.Failed(message).streamError()));
    }
}
