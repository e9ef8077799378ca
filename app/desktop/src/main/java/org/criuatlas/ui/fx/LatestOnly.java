package org.criuatlas.ui.fx;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Hands the newest of a stream of values to the UI: offers from any thread; at most one task waits
 * on the UI executor, and it delivers the value current when it runs (older ones are dropped).
 * Toolkit-free: the executor is {@link FxThread#EXECUTOR} in the window, the test's own in tests.
 */
public final class LatestOnly<T> {
    private final Executor ui;
    private final Consumer<T> consumer;
    private final AtomicReference<T> pending = new AtomicReference<>();

    public LatestOnly(Executor ui, Consumer<T> consumer) {
        this.ui = Objects.requireNonNull(ui);
        this.consumer = Objects.requireNonNull(consumer);
    }

    /** Any thread. {@code null} is not a value. */
    public void offer(T value) {
        Objects.requireNonNull(value);
        if (pending.getAndSet(value) == null) ui.execute(this::deliver);
    }

    /** On the UI executor: delivers what is waiting now (before a final state is shown). */
    public void flush() {
        deliver();
    }

    private void deliver() {
        T v = pending.getAndSet(null);
        if (v != null) consumer.accept(v);
    }
}
