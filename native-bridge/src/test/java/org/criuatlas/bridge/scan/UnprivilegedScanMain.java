package org.criuatlas.bridge.scan;

import org.criuatlas.model.InetSocket;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.ScanProblem;

/**
 * Runs one scan and prints what a test needs, one fact a line: {@code process PID}, {@code inet INO},
 * {@code problem KIND PID WHAT | REASON}. Started by {@link LiveScannerUnprivilegedTest} as an
 * unprivileged user, so the kernel's EACCES and EPERM are real.
 */
public final class UnprivilegedScanMain {
    private UnprivilegedScanMain() {}

    public static void main(String[] args) {
        try (LiveScanner s = new LiveScanner()) {
            IpcGraph g = s.scan();
            System.out.println("privileged " + g.meta().privileged());
            for (ProcessInfo p : g.processes().values()) System.out.println("process " + p.pid() + " " + p.fdsReadable());
            for (InetSocket i : g.inetSockets()) System.out.println("inet " + i.ino());
            for (ScanProblem p : g.problems()) {
                System.out.println("problem " + p.kind() + " " + p.pid() + " " + p.what() + " | " + p.reason());
            }
        }
    }
}
