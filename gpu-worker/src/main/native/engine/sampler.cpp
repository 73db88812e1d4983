#include "sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "sample_uniform.h"

namespace sg {
namespace {

// Lowest id wins ties, so every filter and the argmax are deterministic.
int argmax(const float *values, int n) {
    int best = 0;
    for (int i = 1; i < n; ++i)
        if (values[i] > values[best]) best = i;
    return best;
}

}  // namespace

double sample_uniform(uint64_t seed, int64_t position) { return uniform_draw(seed, position); }

void Sampler::apply_penalties(const sg_batch_entry &e, int vocab) {
    const sg_sampling_params &s = e.sampling;
    if (counts_.size() < static_cast<size_t>(vocab)) counts_.assign(vocab, 0);
    for (int i = 0; i < e.n_history; ++i) ++counts_[e.history[i]];
    // Each distinct token once; resetting its count marks it done and leaves the scratch zeroed.
    for (int i = 0; i < e.n_history; ++i) {
        const int t = e.history[i];
        const int count = counts_[t];
        if (count == 0) continue;
        counts_[t] = 0;
        float &logit = work_[t];
        if (s.repetition_penalty != 1.0f)
            logit = logit > 0.0f ? logit / s.repetition_penalty : logit * s.repetition_penalty;
        logit -= s.frequency_penalty * static_cast<float>(count) + s.presence_penalty;
    }
}

int Sampler::draw(int vocab, const sg_sampling_params &s, int64_t position) {
    const float *w = work_.data();
    auto better = [w](int32_t a, int32_t b) { return w[a] > w[b] || (w[a] == w[b] && a < b); };
    ids_.resize(vocab);
    std::iota(ids_.begin(), ids_.end(), 0);
    int n = vocab;
    if (s.top_k > 0 && s.top_k < vocab) {
        std::partial_sort(ids_.begin(), ids_.begin() + s.top_k, ids_.end(), better);
        n = s.top_k;
    } else if (s.top_p < 1.0f) {
        std::sort(ids_.begin(), ids_.end(), better);
    }
    const bool sorted = n < vocab || s.top_p < 1.0f;
    const double max_logit = sorted ? w[ids_[0]] : w[argmax(w, vocab)];
    const double inv_temperature = 1.0 / s.temperature;
    weights_.resize(n);
    double total = 0.0;
    for (int i = 0; i < n; ++i) {
        weights_[i] = std::exp((w[ids_[i]] - max_logit) * inv_temperature);
        total += weights_[i];
    }
    if (s.top_p < 1.0f) {  // smallest prefix of the sorted candidates whose mass reaches top_p
        double cumulative = 0.0;
        for (int i = 0; i < n; ++i) {
            cumulative += weights_[i];
            if (cumulative >= s.top_p * total) {
                n = i + 1;
                break;
            }
        }
    }
    if (s.min_p > 0.0f) {  // the most likely token has weight exp(0) = 1
        for (int i = 0; i < n; ++i)
            if (weights_[i] < s.min_p) weights_[i] = 0.0;
    }
    total = 0.0;
    for (int i = 0; i < n; ++i) total += weights_[i];
    const double target = sample_uniform(s.seed, position) * total;
    double cumulative = 0.0;
    int chosen = -1;
    for (int i = 0; i < n; ++i) {
        if (weights_[i] == 0.0) continue;
        chosen = ids_[i];
        cumulative += weights_[i];
        if (cumulative > target) break;
    }
    return chosen;
}

void Sampler::sample(const float *logits, int vocab, const sg_batch_entry &e, int64_t position, int max_logprobs,
                     int32_t *token, float *logprob, int32_t *top_tokens, float *top_logprobs) {
    const sg_sampling_params &s = e.sampling;
    work_.assign(logits, logits + vocab);
    const bool penalised = s.repetition_penalty != 1.0f || s.presence_penalty != 0.0f || s.frequency_penalty != 0.0f;
    if (penalised && e.n_history > 0) apply_penalties(e, vocab);
    int chosen = s.temperature == 0.0f || s.top_k == 1 ? -1 : draw(vocab, s, position);
    if (chosen < 0) chosen = argmax(work_.data(), vocab);  // greedy, or nothing left to draw from (all -inf)
    *token = chosen;

    for (int j = 0; j < max_logprobs; ++j) {
        top_tokens[j] = -1;
        top_logprobs[j] = std::numeric_limits<float>::quiet_NaN();
    }
    if (s.logprobs <= 0) {
        *logprob = std::numeric_limits<float>::quiet_NaN();
        return;
    }
    const float max_logit = logits[argmax(logits, vocab)];
    double sum = 0.0;
    for (int i = 0; i < vocab; ++i) sum += std::exp(static_cast<double>(logits[i]) - max_logit);
    const double log_normaliser = max_logit + std::log(sum);
    *logprob = static_cast<float>(logits[chosen] - log_normaliser);
    const int n_top = std::min(s.logprobs, vocab);
    ids_.resize(vocab);
    std::iota(ids_.begin(), ids_.end(), 0);
    std::partial_sort(ids_.begin(), ids_.begin() + n_top, ids_.end(), [logits](int32_t a, int32_t b) {
        return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
    });
    for (int j = 0; j < n_top; ++j) {
        top_tokens[j] = ids_[j];
        top_logprobs[j] = static_cast<float>(logits[ids_[j]] - log_normaliser);
    }
}

}  // namespace sg
