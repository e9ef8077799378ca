package org.criuatlas.bridge.criu;

import org.criuatlas.bridge.trust.ChildEnvironment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * The programs CRIU runs to hold the network still while it dumps, and whether criu (as root, with
 * {@link ChildEnvironment#SYSTEM_PATH}) finds them here. CRIU's default network lock is iptables:
 * {@code iptables}/{@code ip6tables} (through {@code sh -c}) for each TCP connection dumped with
 * {@code --tcp-established}, {@code iptables-restore}/{@code ip6tables-restore} for a network
 * namespace it dumps. Without them those dumps fail (measured with CRIU 4.2.1 on a machine without
 * the iptables package: "Iptables configuration failed" and {@code execvp("iptables-restore", ...)
 * failed}); the plan says so instead of promising what calibration measured on a machine that had them.
 */
public final class NetworkTools {
    /** Locks one IPv4 TCP connection. */
    public static final String IPTABLES = "iptables";
    /** Locks one IPv6 TCP connection. */
    public static final String IP6TABLES = "ip6tables";
    /** Locks a whole network namespace. */
    public static final String IPTABLES_RESTORE = "iptables-restore";
    /** The same, for IPv6 (also used for a namespace). */
    public static final String IP6TABLES_RESTORE = "ip6tables-restore";
    static final Set<String> ALL = Set.of(IPTABLES, IP6TABLES, IPTABLES_RESTORE, IP6TABLES_RESTORE);

    private NetworkTools() {}

    /** Which of the tools criu would not find on this machine (empty: all there). */
    public static Set<String> missing() {
        return missing(ChildEnvironment.SYSTEM_PATH);
    }

    /** Which of the tools are not an executable file in any folder of {@code path} (a PATH value). */
    public static Set<String> missing(String path) {
        Set<String> out = new TreeSet<>();
        for (String tool : ALL) {
            boolean found = false;
            for (String dir : path.split(":")) {
                if (dir.isEmpty()) continue;
                Path p = Path.of(dir, tool);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    found = true;
                    break;
                }
            }
            if (!found) out.add(tool);
        }
        return out;
    }
}
