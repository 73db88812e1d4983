package dev.streamgate.gateway.observability;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.micrometer.common.KeyValues;

/**
 * The low-cardinality key values of an observation convention, computed once per combination of what they depend
 * on. Bounded, since clients pick some of the inputs (the method name): past {@code maxEntries} a value is computed
 * every time and not kept.
 */
final class KeyValuesCache<K> {
    private final int maxEntries;
    private final ConcurrentHashMap<K, KeyValues> cache = new ConcurrentHashMap<>();

    KeyValuesCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    KeyValues get(K combination, Function<? super K, KeyValues> compute) {
        KeyValues cached = cache.get(combination);
        if (cached != null) {
            return cached;
        }
        KeyValues values = compute.apply(combination);
        if (cache.size() < maxEntries) {
            cache.putIfAbsent(combination, values);
        }
        return values;
    }

    int size() {
        return cache.size();
    }
}
