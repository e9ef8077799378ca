package org.criuatlas.plan;

import org.criuatlas.bridge.criu.CriuCommandLine;
import org.criuatlas.bridge.criu.CriuOptions;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code criu dump} command line a plan amounts to, for people to read and for tests to run.
 * The spelling is the bridge's ({@link CriuCommandLine}), so the plan, the RPC session and the
 * rendered command agree.
 */
public final class DumpCommand {
    private DumpCommand() {}

    /** Arguments after the criu binary: {@code dump -t PID -D DIR -o LOG -vN [--leave-running] ...}. */
    public static List<String> args(CriuOptions o, String imagesDir) {
        return CriuCommandLine.dumpArgs(o.withImagesDir(Path.of(imagesDir)));
    }

    /** One line a person can paste into a root shell. */
    public static String text(CriuOptions o, String imagesDir) {
        return CriuCommandLine.dump(null, o.withImagesDir(Path.of(imagesDir)));
    }
}
