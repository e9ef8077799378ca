package org.criuatlas.ui.dump;

import org.criuatlas.bridge.criu.CriuOptions;

/**
 * The options a person sets in the dump window, on top of what the plan decided.
 *
 * @param leaveRunning   keep the tree running after the dump
 * @param shellJob       dump as a shell job (also set when the plan says so)
 * @param tcpEstablished dump established TCP connections
 * @param logLevel       0..4; 4 is needed for CRIU to name the inodes a diagnosis pins
 */
public record DumpSettings(boolean leaveRunning, boolean shellJob, boolean tcpEstablished, int logLevel) {
    public DumpSettings {
        if (logLevel < 0 || logLevel > 4) throw new IllegalArgumentException("log level must be 0..4: " + logLevel);
    }

    public static final DumpSettings DEFAULT = new DumpSettings(false, false, false, 4);

    /** The plan's options with these settings and the images folder applied. */
    public CriuOptions apply(CriuOptions plan, java.nio.file.Path imagesDir) {
        return plan.withImagesDir(imagesDir).withLeaveRunning(leaveRunning).withShellJob(plan.shellJob() || shellJob)
                .withTcpEstablished(tcpEstablished).withLogLevel(logLevel).withNotifyScripts(true);
    }
}
