package dev.streamgate.worker;

import dev.streamgate.worker.engine.NativeEngineFactory;
import dev.streamgate.worker.spi.EngineFactory;

/** The demo-chat samples contract on the native engine: the forward pass, not a replay, produces every token. */
class NativeDemoChatSamplesTest extends DemoChatSamplesContract {

    @Override
    protected EngineFactory engineFactory() {
        return new NativeEngineFactory();
    }
}
