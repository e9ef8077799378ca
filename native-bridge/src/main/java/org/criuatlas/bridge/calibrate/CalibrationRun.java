package org.criuatlas.bridge.calibrate;

import org.criuatlas.bridge.criu.CriuSession;

import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * A calibration in progress: its result, and cancel. Cancelling stops every running criu request
 * (criu unwinds and leaves the probe trees running; each tree is then torn down) and skips what
 * has not started; the report then has {@code complete=false} and is not written to the cache.
 */
public final class CalibrationRun {
    private final CompletableFuture<CalibrationReport> result = new CompletableFuture<>();
    private final Set<CriuSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelled;
    private final java.util.List<Throwable> observerFailures = new java.util.concurrent.CopyOnWriteArrayList<>();

    CalibrationRun() {}

    public void cancel() {
        cancelled = true;
        sessions.forEach(CriuSession::cancel);
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** Completes with the report (also after a cancel: then incomplete). */
    public CompletableFuture<CalibrationReport> future() {
        return result;
    }

    /** Waits for the report. */
    public CalibrationReport await() throws InterruptedException {
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (CancellationException e) {
            throw new IllegalStateException("calibration future was cancelled", e);
        }
    }

    /** What a {@link ProbeObserver} threw (tests: failed assertions), in the order it happened. */
    public java.util.List<Throwable> observerFailures() {
        return java.util.List.copyOf(observerFailures);
    }

    void observerFailed(Throwable t) {
        observerFailures.add(t);
    }

    void register(CriuSession s) {
        sessions.add(s);
        if (cancelled) s.cancel();
    }

    void unregister(CriuSession s) {
        sessions.remove(s);
    }

    CompletableFuture<CalibrationReport> result() {
        return result;
    }
}
