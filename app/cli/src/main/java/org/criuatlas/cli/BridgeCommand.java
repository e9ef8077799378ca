package org.criuatlas.cli;

import org.criuatlas.bridge.server.BridgeServer;
import org.criuatlas.host.LocalHost;
import org.criuatlas.host.bridge.HostVerbs;
import picocli.CommandLine.Command;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code criu-atlas bridge}: serves the bridge protocol (docs/bridge.md) on stdin/stdout for a window
 * or a command that started it (pkexec, sudo, ssh). Ends when stdin ends.
 */
@Command(name = "bridge", mixinStandardHelpOptions = true,
        description = "Serve the bridge protocol on stdin/stdout: the privileged half of CRIU Atlas, started by the window"
                + " (pkexec, sudo -n) or by --host through ssh. Not for typing at; docs/bridge.md.")
public final class BridgeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        // stdout carries frames only: anything else that prints goes to stderr from here on
        FileOutputStream frames = new FileOutputStream(FileDescriptor.out);
        PrintStream err = System.err;
        System.setOut(err);
        ExecutorService work = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bridge-host");
            t.setDaemon(true);
            return t;
        });
        try (HostVerbs verbs = new HostVerbs(new LocalHost(LocalHost.Parts.real(work).withSpareCriu())); BridgeServer server = new BridgeServer(verbs)) {
            server.serve(new FileInputStream(FileDescriptor.in), frames, "client on stdin (parent pid "
                    + ProcessHandle.current().parent().map(p -> Long.toString(p.pid())).orElse("?") + ")");
        } finally {
            work.shutdownNow();
        }
        return ExitCode.OK.code;
    }
}
