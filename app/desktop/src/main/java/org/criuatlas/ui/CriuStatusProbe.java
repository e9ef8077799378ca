package org.criuatlas.ui;

import org.criuatlas.bridge.criu.CriuLocator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The status bar's CRIU line: which criu, its version and the result of {@code criu check}.
 * Runs criu as a child process; call it off the FX thread.
 */
public final class CriuStatusProbe {
    private CriuStatusProbe() {}

    public static String probe() {
        var loc = CriuLocator.locate();
        if (loc.isEmpty()) return "CRIU: not set up (Help > Set up CRIU\u2026, or set " + CriuLocator.ENV + ")";
        String bin = loc.get().path().toString();
        String version = firstLine(run(List.of(bin, "--version")), "version unknown");
        String check = run(List.of(bin, "check"));
        String verdict = check.contains("Looks good") ? "check: looks good"
                : check.isBlank() ? "check: no answer" : "check: " + lastErrorLine(check);
        return "CRIU " + version.replace("Version: ", "").trim() + " \u00b7 " + verdict;
    }

    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out";
            }
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "cannot run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static String firstLine(String s, String dflt) {
        for (String l : s.split("\n")) if (!l.isBlank()) return l.trim();
        return dflt;
    }

    private static String lastErrorLine(String s) {
        String found = null;
        for (String l : s.split("\n")) if (l.contains("Error") || l.contains("fail")) found = l.trim();
        if (found == null) found = firstLine(s, "?");
        return found.length() > 90 ? found.substring(0, 90) + "\u2026" : found;
    }
}
