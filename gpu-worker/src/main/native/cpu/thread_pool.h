// A fixed team of worker threads for the CPU backend's data-parallel loops. Workers spin briefly
// between the many short kernels of a step, then sleep, so an idle engine (or one sharing its cores
// with other processes) burns no CPU; the calling thread always takes part in the work.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace sg {

class ThreadPool {
public:
    explicit ThreadPool(int threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool &) = delete;
    ThreadPool &operator=(const ThreadPool &) = delete;

    int size() const { return static_cast<int>(workers_.size()) + 1; }

    // Calls fn(task, thread) for every task in [0, tasks) and returns when all are done; `thread` is in
    // [0, size()) and identifies per-thread scratch (0 is the caller).
    template <class F>
    void run(int64_t tasks, F &&fn) {
        if (tasks <= 0) return;
        if (workers_.empty() || tasks == 1) {
            for (int64_t i = 0; i < tasks; ++i) fn(i, 0);
            return;
        }
        using Fn = std::remove_reference_t<F>;
        dispatch(tasks, [](void *ctx, int64_t task, int thread) { (*static_cast<Fn *>(ctx))(task, thread); },
                 const_cast<void *>(static_cast<const void *>(&fn)));
    }

private:
    using Thunk = void (*)(void *, int64_t, int);
    void dispatch(int64_t tasks, Thunk thunk, void *ctx);
    void drain(int thread);
    void work(int thread);

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_, done_;
    std::atomic<uint64_t> generation_{0};
    std::atomic<int64_t> next_{0};
    std::atomic<int> pending_{0};
    int64_t tasks_ = 0;
    Thunk thunk_ = nullptr;
    void *ctx_ = nullptr;
    std::atomic<bool> stop_{false};
};

}  // namespace sg
