package dev.streamgate.worker.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Test tool: drives an engine the way the worker's scheduler does (greedy requests, chunked prefill beside decode
 * tokens, a block pool with preemption by recompute, cancellation), to compare batched runs with runs alone.
 */
final class BatchDriver {

    /** Greedy with the top two logprobs, whose difference is the step's logit margin. */
    static final SamplingParams GREEDY_WITH_MARGIN = new SamplingParams(0f, 0, 1f, 0f, 1f, 0f, 0f, 0L, 2);

    private BatchDriver() {
    }

    /** A request run alone: its tokens and, per step, the margin between the two most likely tokens. */
    record Run(int[] tokens, float[] margins) {
        /** Steps before the first whose margin is under {@code tolerance} (where rounding may flip the argmax). */
        int stableSteps(float tolerance) {
            int n = 0;
            while (n < margins.length && margins[n] >= tolerance) n++;
            return n;
        }
    }

    record ScheduleResult(List<int[]> tokens, int preemptions, int freeBlocksWhenIdle) {
    }

    /** demo-chat's sample prompts, and for more than seven, the same prompts cut shorter: mixed lengths. */
    static List<int[]> demoChatPrompts(int n) {
        JsonNode samples = Fixtures.json(Fixtures.demoChat().resolve("samples.json")).get("samples");
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] full = Fixtures.ints(samples.get(i % samples.size()).get("prompt_ids"));
            prompts.add(Arrays.copyOf(full, full.length - 3 * (i / samples.size())));
        }
        return prompts;
    }

    static Run alone(InferenceEngine engine, int[] prompt, int steps) {
        PagedSequence s = new PagedSequence(0, prompt, PagedSequence.scatteredBlocks(0, 1, blocksFor(prompt.length + steps, engine)));
        float[] margins = new float[steps];
        for (int i = 0; i < steps; i++) {
            BatchEntry e = s.rest(GREEDY_WITH_MARGIN);
            StepOutput out = engine.step(List.of(e)).get(0);
            s.advance(e);
            s.append(out.token());
            margins[i] = out.topLogprobs()[0] - out.topLogprobs()[1];
        }
        return new Run(s.generatedAfter(prompt.length), margins);
    }

    /** All requests at once, prefill in chunks of {@code chunk} tokens, until each generated {@code lengths[i]} tokens. */
    static List<int[]> together(InferenceEngine engine, List<int[]> prompts, int[] lengths, int chunk) {
        int n = prompts.size();
        int perSequence = 0;
        for (int i = 0; i < n; i++) perSequence = Math.max(perSequence, blocksFor(prompts.get(i).length + lengths[i], engine));
        List<PagedSequence> sequences = new ArrayList<>();
        for (int i = 0; i < n; i++) sequences.add(new PagedSequence(i, prompts.get(i), PagedSequence.scatteredBlocks(i, n, perSequence)));
        while (true) {
            List<BatchEntry> batch = new ArrayList<>();
            List<PagedSequence> running = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                PagedSequence s = sequences.get(i);
                if (s.tokens.size() - prompts.get(i).length >= lengths[i]) continue;
                int remaining = s.tokens.size() - s.cached;
                batch.add(s.chunk(Math.min(chunk, remaining), SamplingParams.GREEDY));
                running.add(s);
            }
            if (batch.isEmpty()) break;
            List<StepOutput> out = engine.step(batch);
            int slot = 0;
            for (int j = 0; j < batch.size(); j++) {
                running.get(j).advance(batch.get(j));
                if (batch.get(j).sample()) running.get(j).append(out.get(slot++).token());
            }
        }
        List<int[]> result = new ArrayList<>();
        for (int i = 0; i < n; i++) result.add(sequences.get(i).generatedAfter(prompts.get(i).length));
        return result;
    }

    private static final class Request {
        final int id;
        final int promptLength;
        final List<Integer> tokens = new ArrayList<>();
        final List<Integer> blocks = new ArrayList<>();
        int cached;
        boolean finished;

        Request(int id, int[] prompt) {
            this.id = id;
            this.promptLength = prompt.length;
            for (int t : prompt) tokens.add(t);
        }

        int generated() {
            return tokens.size() - promptLength;
        }
    }

    /**
     * A pool of {@code blocks} blocks shared by every request: FCFS admission while blocks last, a prefill chunk of
     * up to 8 tokens per request per step, preemption of the newest running request (recomputed later) when a
     * running one needs a block and none is free, and cancellation of {@code cancelled} after {@code cancelAfter}
     * tokens.
     */
    static ScheduleResult schedule(InferenceEngine engine, List<int[]> prompts, int generate, int blocks, Set<Integer> cancelled,
                                   int cancelAfter) {
        int blockSize = engine.info().kvBlockSize();
        Deque<Integer> free = new ArrayDeque<>();
        for (int b = 0; b < blocks; b++) free.add(b);
        List<Request> requests = new ArrayList<>();
        Deque<Request> waiting = new ArrayDeque<>();
        for (int i = 0; i < prompts.size(); i++) {
            requests.add(new Request(i, prompts.get(i)));
            waiting.add(requests.get(i));
        }
        List<Request> running = new ArrayList<>();
        int preemptions = 0;
        while (!waiting.isEmpty() || !running.isEmpty()) {
            while (!waiting.isEmpty() && free.size() >= ceil(waiting.peekFirst().tokens.size() + 1, blockSize)) {
                Request r = waiting.pollFirst();
                while (r.blocks.size() < ceil(r.tokens.size() + 1, blockSize)) r.blocks.add(free.pollFirst());
                running.add(r);
            }
            if (running.isEmpty()) throw new IllegalStateException("a request does not fit in the pool alone");
            // Every running request gets the blocks its next tokens need; the newest give theirs up when none are left.
            for (int i = 0; i < running.size(); i++) {
                Request r = running.get(i);
                int end = Math.min(r.tokens.size(), r.cached + 8);
                while (r.blocks.size() < ceil(end, blockSize)) {
                    if (free.isEmpty()) {
                        Request victim = running.remove(running.size() - 1);
                        free.addAll(victim.blocks);
                        victim.blocks.clear();
                        victim.cached = 0;
                        waiting.addFirst(victim);
                        preemptions++;
                        if (victim == r) break;
                    } else {
                        r.blocks.add(free.pollFirst());
                    }
                }
                if (!running.contains(r)) i = running.size();
            }
            List<BatchEntry> batch = new ArrayList<>();
            for (Request r : running) {
                int end = Math.min(r.tokens.size(), r.cached + 8);
                int[] chunk = r.tokens.subList(r.cached, end).stream().mapToInt(Integer::intValue).toArray();
                int[] table = r.blocks.stream().mapToInt(Integer::intValue).toArray();
                int[] history = r.tokens.stream().mapToInt(Integer::intValue).toArray();
                batch.add(new BatchEntry(r.id, chunk, r.cached, table, end == r.tokens.size(), SamplingParams.GREEDY, history));
            }
            List<StepOutput> out = engine.step(batch);
            int slot = 0;
            List<Request> done = new ArrayList<>();
            for (int j = 0; j < batch.size(); j++) {
                Request r = running.get(j);
                r.cached += batch.get(j).tokens().length;
                if (!batch.get(j).sample()) continue;
                r.tokens.add(out.get(slot++).token());
                boolean cancel = cancelled.contains(r.id) && r.generated() == cancelAfter;
                if (r.generated() == generate || cancel) done.add(r);
            }
            for (Request r : done) {
                running.remove(r);
                free.addAll(r.blocks);
                r.blocks.clear();
                r.finished = true;
            }
        }
        List<int[]> tokens = new ArrayList<>();
        for (Request r : requests)
            tokens.add(r.tokens.subList(r.promptLength, r.tokens.size()).stream().mapToInt(Integer::intValue).toArray());
        return new ScheduleResult(tokens, preemptions, free.size());
    }

    private static int ceil(int tokens, int blockSize) {
        return (tokens + blockSize - 1) / blockSize;
    }

    private static int blocksFor(int tokens, InferenceEngine engine) {
        return ceil(tokens, engine.info().kvBlockSize());
    }
}
