package dev.streamgate.gateway.admin;

import java.util.List;

/** OpenAI's list envelope: {@code {"object":"list","data":[...]}}. */
public record ListJson<T>(String object, List<T> data) {
    public ListJson(List<T> data) {
        this("list", data);
    }
}
