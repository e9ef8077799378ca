package org.criuatlas.host;

import org.criuatlas.bridge.criu.CriuListener;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuRequest;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.CriuSession;
import org.criuatlas.bridge.criu.SpareWorkers;

import java.nio.file.Path;
import java.util.Map;

/** Starts one criu dump on this machine ({@link LocalHost}). The real one is a {@link CriuSession}; tests use a scripted one. */
@FunctionalInterface
public interface DumpRunner {
    Running start(CriuOptions options, CriuListener listener);

    /** A dump in flight. */
    interface Running {
        /** Blocks until criu replied; throws {@link org.criuatlas.bridge.criu.CriuException} subclasses when it could not. */
        CriuResult await();

        /** Asks criu to stop (it unwinds and releases the tree, or is killed after a grace time). */
        void cancel();
    }

    /** Dumps through {@code criu swrk} at {@code criu}. */
    static DumpRunner criu(Path criu) {
        return criu(criu, SpareWorkers.none());
    }

    /** Dumps through {@code criu swrk} at {@code criu}, with a worker spawned ahead when {@code spares} keeps one. */
    static DumpRunner criu(Path criu, SpareWorkers spares) {
        return (options, listener) -> {
            CriuSession s = CriuSession.start(criu, CriuRequest.DUMP, options, Map.of(), listener, spares);
            return new Running() {
                @Override
                public CriuResult await() {
                    try (s) {
                        return s.await();
                    }
                }

                @Override
                public void cancel() {
                    s.cancel();
                }
            };
        };
    }
}
