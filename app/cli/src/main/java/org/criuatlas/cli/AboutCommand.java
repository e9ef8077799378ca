package org.criuatlas.cli;

import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.bridge.proc.LiveProcesses;
import org.criuatlas.json.AboutJson;
import org.criuatlas.json.Json;
import org.criuatlas.logging.AtlasLog;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code criu-atlas about}: versions and where the log is (what the window's About box shows). */
@Command(name = "about", mixinStandardHelpOptions = true,
        description = "Print the versions (CRIU Atlas, JDK, kernel, CRIU) and where the log file is.")
public final class AboutCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON (docs/json.md).")
    boolean json;

    /** The version of CRIU Atlas, from the jar (or the build's version when run from classes). */
    public static String appVersion() {
        return org.criuatlas.bridge.AtlasVersion.version();
    }

    /** The first line of {@code --version}: "CRIU Atlas 0.1.0". */
    public static String versionLine() {
        return "CRIU Atlas " + appVersion();
    }

    @Override
    public Integer call() {
        var criu = CriuLocator.locate();
        AboutJson a = new AboutJson(appVersion(), Runtime.version().toString(), System.getProperty("java.vm.name"),
                LiveProcesses.kernelRelease(), criu.map(c -> c.path().toString()).orElse(null),
                criu.map(c -> c.version() == null ? null : c.version().toString()).orElse(null), criu.map(CriuLocator.Located::via).orElse(null),
                AtlasLog.file().toString(), AtlasLog.stateDirectory().toString());
        if (json) {
            System.out.println(Json.write(a));
        } else {
            System.out.println("CRIU Atlas " + a.version());
            System.out.println("JDK        " + a.jdk() + " (" + a.jvm() + ")");
            System.out.println("kernel     " + a.kernel());
            System.out.println("CRIU       " + (a.criuPath() == null ? "not found (set " + CriuLocator.ENV + " or run scripts/provision-criu.sh)"
                    : a.criuVersion() + " at " + a.criuPath() + " (via " + a.criuVia() + ")"));
            System.out.println("log file   " + a.logFile());
        }
        return ExitCode.OK.code;
    }

    /** {@code --version}: the same facts, short. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {versionLine(), "JDK " + Runtime.version() + " (" + System.getProperty("java.home") + "), kernel " + LiveProcesses.kernelRelease(),
                    "log: " + AtlasLog.file()};
        }
    }
}
