package org.criuatlas.bench;

import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuRequest;
import org.criuatlas.bridge.criu.SwrkFloor;

import java.nio.file.Path;

/**
 * {@link SwrkFloor} in a JVM of its own, started as the headless commands are (the build's JVM options): {@code bench
 * criu}'s FLOOR side. {@code java @criu-atlas-java.args org.criuatlas.bench.SwrkFloorMain CRIU dump PID DIR LEVEL} or
 * {@code ... CRIU restore DIR LEVEL}; exit 0 when criu reports success, 1 when it does not, 2 for bad use. A dump
 * leaves the tree running, as the other sides' do. Not a user command.
 */
public final class SwrkFloorMain {
    private SwrkFloorMain() {}

    public static void main(String[] args) {
        boolean dump = args.length == 5 && args[1].equals("dump");
        boolean restore = args.length == 4 && args[1].equals("restore");
        if (!dump && !restore) {
            System.err.println("usage: SwrkFloorMain CRIU dump PID DIR LEVEL | SwrkFloorMain CRIU restore DIR LEVEL");
            System.exit(2);
        }
        CriuOptions o = CriuOptions.defaults().withImagesDir(Path.of(dump ? args[3] : args[2]))
                .withLogLevel(Integer.parseInt(dump ? args[4] : args[3]));
        if (dump) o = o.withPid(Integer.parseInt(args[2])).withLeaveRunning(true);
        System.exit(SwrkFloor.run(Path.of(args[0]), dump ? CriuRequest.DUMP : CriuRequest.RESTORE, o) ? 0 : 1);
    }
}
