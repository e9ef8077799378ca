package org.criuatlas.bridge.trust;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The environment of every process CRIU Atlas starts: criu ({@code swrk}, {@code --version},
 * {@code check}) and the commands a restore hands kept ends to. An allow-list, not a block-list:
 * what a child gets is named here, so nothing new in the caller's environment reaches a root child.
 * Never passed: the dynamic loader's {@code LD_*} (a library preloaded into root's criu is root's
 * code), {@code CRIU_LIBS_DIR} (where criu loads its plugins from) and any other {@code CRIU_*}.
 */
public final class ChildEnvironment {
    /** Names passed as they are, when set. */
    static final Set<String> PASSED = Set.of("PATH", "HOME", "TERM", "LANG", "LANGUAGE", "TZ", "USER", "LOGNAME",
            "SHELL", "TMPDIR", "COLORTERM", "NO_COLOR");
    /** Prefixes passed (the locale's categories). */
    static final String LOCALE_PREFIX = "LC_";
    /** criu as root looks its helpers (iptables, ip, …) up in this PATH, never in the caller's. */
    public static final String SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private ChildEnvironment() {}

    /** For criu, from this process's environment. */
    public static Map<String, String> forCriu() {
        return forCriu(System.getenv(), Credentials.effectiveUid() == 0);
    }

    /** For criu: the allow-list; as root the {@link #SYSTEM_PATH}. Pure. */
    public static Map<String, String> forCriu(Map<String, String> from, boolean root) {
        Map<String, String> env = allowed(from);
        if (root || !env.containsKey("PATH")) env.put("PATH", SYSTEM_PATH);
        return env;
    }

    /** For a command a restore starts (a destination the user typed), from this process's environment. */
    public static Map<String, String> forCommand() {
        return forCommand(System.getenv());
    }

    /** For a command: the allow-list with the caller's PATH (the user's command is looked up as they typed it). Pure. */
    public static Map<String, String> forCommand(Map<String, String> from) {
        Map<String, String> env = allowed(from);
        env.putIfAbsent("PATH", SYSTEM_PATH);
        return env;
    }

    /** Whether {@code name} may pass at all. */
    public static boolean allowed(String name) {
        return PASSED.contains(name) || (name.startsWith(LOCALE_PREFIX) && name.length() > LOCALE_PREFIX.length());
    }

    /** {@code NAME=value} strings for execve/posix_spawn. */
    public static String[] envp(Map<String, String> env) {
        return env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    private static Map<String, String> allowed(Map<String, String> from) {
        Map<String, String> env = new TreeMap<>();
        from.forEach((k, v) -> {
            // a value with a NUL cannot be passed faithfully; a name with '=' is not a name
            if (allowed(k) && v != null && v.indexOf('\0') < 0 && k.indexOf('=') < 0) env.put(k, v);
        });
        return env;
    }
}
