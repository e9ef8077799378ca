package org.criuatlas.host;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A long operation on a host (a dump, a restore): its result when it ends, and cancel. Events come
 * through the listener given when it started. Cancelling is a request: the result says how it ended
 * (a dump cancelled too late can still have succeeded).
 */
public final class HostOperation<R> {
    private final CompletableFuture<R> result;
    private final Runnable canceller;
    private final AtomicBoolean cancelRequested = new AtomicBoolean();

    public HostOperation(CompletableFuture<R> result, Runnable canceller) {
        this.result = Objects.requireNonNull(result);
        this.canceller = Objects.requireNonNull(canceller);
    }

    /** Completes with the outcome; completes exceptionally only when the host itself broke. */
    public CompletableFuture<R> result() { return result; }

    /** Asks the host to stop the operation; repeated calls do nothing more. */
    public void cancel() {
        if (cancelRequested.compareAndSet(false, true)) canceller.run();
    }

    public boolean cancelRequested() { return cancelRequested.get(); }
}
