package org.criuatlas.ui.fx;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Hands a stream of items (log lines, received text) to the UI in batches: adds from any thread; at
 * most one task waits on the UI executor and it takes everything added until it runs, in order.
 * Toolkit-free like {@link LatestOnly}.
 */
public final class Batched<T> {
    private final Executor ui;
    private final Consumer<List<T>> consumer;
    private final ConcurrentLinkedQueue<T> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    public Batched(Executor ui, Consumer<List<T>> consumer) {
        this.ui = Objects.requireNonNull(ui);
        this.consumer = Objects.requireNonNull(consumer);
    }

    /** Any thread. */
    public void add(T item) {
        pending.add(item);
        if (scheduled.compareAndSet(false, true)) ui.execute(this::flush);
    }

    /** On the UI executor: delivers what waits now (a final state must come after the last items). */
    public void flush() {
        scheduled.set(false);
        List<T> batch = new ArrayList<>();
        for (T t; (t = pending.poll()) != null; ) batch.add(t);
        if (!batch.isEmpty()) consumer.accept(batch);
    }

    /** Drops what waits (a new run starts). */
    public void clear() {
        pending.clear();
    }
}
