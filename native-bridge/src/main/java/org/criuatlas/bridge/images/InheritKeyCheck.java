package org.criuatlas.bridge.images;

import org.criuatlas.model.FdInfo;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.RestoreObligation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks the keys a user wants to pass as {@code --inherit-fd fd[N]:KEY} against an image. CRIU
 * itself silently ignores a key that matches nothing, and the restore then fails (or breaks) far
 * from the typo; this says so up front.
 */
public final class InheritKeyCheck {
    private InheritKeyCheck() {}

    public enum Severity { ERROR, WARNING }

    /** One finding about one key. */
    public record Finding(Severity severity, String key, String message) {}

    public static List<Finding> check(List<String> keys, IpcGraph g, List<RestoreObligation> obligations) {
        Set<String> needed = new HashSet<>();
        for (RestoreObligation o : obligations) needed.add(o.key());
        Set<String> known = new HashSet<>();
        for (ProcessInfo p : g.processes().values()) {
            for (FdInfo f : p.fds()) {
                if (f.objectKey() != null) known.add(f.objectKey());
                if (!f.target().isEmpty()) {
                    known.add(f.target());
                    // CRIU matches regular files by their path without the leading slash
                    if (f.target().startsWith("/")) known.add(f.target().substring(1));
                }
            }
        }
        List<Finding> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String k : keys) {
            if (!seen.add(k)) {
                out.add(new Finding(Severity.ERROR, k, "given twice: CRIU uses only one of them"));
                continue;
            }
            if (k.startsWith("socket[") || k.startsWith("pipe[")) {
                String fixed = k.replaceFirst("\\[", ":[");
                out.add(new Finding(Severity.ERROR, k, "CRIU needs the spelling " + fixed
                        + " (the --help text is wrong); as written it matches nothing"));
                continue;
            }
            if (!known.contains(k)) {
                out.add(new Finding(Severity.ERROR, k, "no object in the image has this key; CRIU would silently ignore it"));
            } else if (!needed.contains(k)) {
                out.add(new Finding(Severity.WARNING, k, "the image does not need this object handed in (both ends were in the dump)"));
            }
        }
        return out;
    }
}
