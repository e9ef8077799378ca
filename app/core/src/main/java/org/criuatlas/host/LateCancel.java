package org.criuatlas.host;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The cancel of a {@link HostOperation} whose stoppable part (a criu session, a calibration run, a
 * podman process) starts later, on the work executor: a cancel that comes before the part exists is
 * remembered, and reaches the part as soon as it is {@link #attach attached}.
 *
 * @param <T> the stoppable part
 */
final class LateCancel<T> {
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicReference<T> part = new AtomicReference<>();
    private final Consumer<T> stop;

    /** {@code stop} stops an attached part. */
    LateCancel(Consumer<T> stop) {
        this.stop = stop;
    }

    /** The handle of the operation that completes {@code result} and cancels through this. */
    <R> HostOperation<R> operation(CompletableFuture<R> result) {
        return new HostOperation<>(result, this::cancel);
    }

    /** Remembers the cancel and stops the part attached by now, if any. */
    void cancel() {
        cancelled.set(true);
        T p = part.get();
        if (p != null) stop.accept(p);
    }

    /** The part has started: a cancel from now on stops it, and one that came before stops it now. */
    void attach(T p) {
        part.set(p);
        if (cancelled.get()) stop.accept(p);
    }

    /** The part has ended: a cancel from now on only is remembered. */
    void detach() {
        part.set(null);
    }

    boolean cancelled() {
        return cancelled.get();
    }
}
