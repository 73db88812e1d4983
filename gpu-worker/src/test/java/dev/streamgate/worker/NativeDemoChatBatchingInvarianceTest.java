package dev.streamgate.worker;

/**
 * The batching-invariance contract on the native engine with the bundled demo-chat model, found the way
 * production finds it (ServiceLoader).
 */
class NativeDemoChatBatchingInvarianceTest extends BatchingInvarianceContract {

    @Override
    protected WorkerRuntime startRuntime(WorkerOptions options) {
        return WorkerRuntime.builder(BundledModel.folder(BundledModel.DEMO_CHAT)).options(options).start();
    }
}
