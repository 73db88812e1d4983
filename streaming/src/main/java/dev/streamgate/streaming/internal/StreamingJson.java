package dev.streamgate.streaming.internal;

import tools.jackson.core.json.JsonFactory;
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
     */
    public static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .rootValueSeparator((String) null)
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
}
