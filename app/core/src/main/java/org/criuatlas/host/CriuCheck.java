package org.criuatlas.host;

import org.criuatlas.bridge.criu.CriuLocator;
import org.criuatlas.bridge.trust.ChildEnvironment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** {@link LocalHost#criuStatus()}: the located criu's {@code --version} and {@code check}, run as they are. */
final class CriuCheck {
    private CriuCheck() {}

    /** The status of the criu at {@code loc} (none: not found). */
    static CriuStatus of(Optional<CriuLocator.Located> loc) {
        if (loc.isEmpty()) {
            return new CriuStatus(null, "run scripts/provision-criu.sh or set " + CriuLocator.ENV, null, false, "not run");
        }
        String bin = loc.get().path().toString();
        String version = firstLine(run(List.of(bin, "--version")), null);
        String check = run(List.of(bin, "check"));
        boolean ok = check.contains("Looks good");
        String verdict = ok ? "looks good" : check.isBlank() ? "no answer" : lastErrorLine(check);
        return new CriuStatus(loc.get().path(), loc.get().via(),
                version == null ? null : version.replace("Version: ", "").trim(), ok, verdict);
    }

    private static String run(List<String> cmd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().putAll(ChildEnvironment.forCriu()); // criu --version / check, as root
            Process p = pb.start();
            // read before waiting: a full pipe would block criu
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out";
            }
            return new String(out, StandardCharsets.UTF_8);
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
