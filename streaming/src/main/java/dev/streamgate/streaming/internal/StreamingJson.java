package dev.streamgate.streaming.internal;

import java.io.OutputStream;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON configuration every codec of this module uses. Jackson's default {@code StreamReadConstraints} stay
 * in force (nesting depth, number and string lengths), which is what keeps deeply nested junk in a request body
 * from costing more than a 400.
 */
public final class StreamingJson {

    /**
     * Rejects trailing content after the root value ({@code {"a":1} xyz} is not a JSON body) and writes
     * successive root values without a separator, so one long-lived generator can write chunk after chunk.
     * Parsers and generators take their buffers from a pool per thread: the codecs run on the event loops, a few
     * long-lived platform threads, where the default shared pool cost a lock-free deque's poll and offer for every
     * parser and generator made.
     */
    public static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .rootValueSeparator((String) null)
                    .recyclerPool(JsonRecyclerPools.threadLocalPool())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        // Resolves and caches the tree deserializer now: the first lookup takes a lock in Jackson's deserializer
        // cache, which under concurrent first requests made event loops wait (BlockHound caught it on a cold start).
        MAPPER.readTree("{\"warm\":[1,\"up\",true,null,1.5]}");
    }

    private StreamingJson() {
    }

    /**
     * A generator for the codecs, which write tokens only: made by the token stream factory with an empty write
     * context, where the mapper's {@code createGenerator} also set up a serialization context for values they never
     * write. An SSE stream makes one for each group of events.
     */
    public static JsonGenerator generator(OutputStream out) {
        return MAPPER.tokenStreamFactory().createGenerator(ObjectWriteContext.empty(), out);
    }
}
