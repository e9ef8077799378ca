package org.criuatlas.bridge.trust;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The allow-list itself (pure). What a real criu receives is checked end to end in the CLI module
 * ({@code ChildEnvironmentCriuTest}: a wrapper criu records its environment).
 */
class ChildEnvironmentTest {
    static final Map<String, String> HOSTILE = Map.ofEntries(
            Map.entry("PATH", "/home/eve/bin:/usr/bin"), Map.entry("HOME", "/root"), Map.entry("LANG", "C.UTF-8"),
            Map.entry("LC_ALL", "C"), Map.entry("TERM", "xterm"), Map.entry("LD_PRELOAD", "/tmp/evil.so"),
            Map.entry("LD_LIBRARY_PATH", "/tmp/evil"), Map.entry("LD_AUDIT", "/tmp/audit.so"),
            Map.entry("CRIU_LIBS_DIR", "/tmp/plugins"), Map.entry("CRIU_ATLAS_CRIU", "/tmp/criu"),
            Map.entry("BASH_ENV", "/tmp/rc"), Map.entry("PYTHONPATH", "/tmp/py"), Map.entry("LC_", "x"));

    @Test
    void criuGetsOnlyTheAllowListAndAsRootTheSystemPath() {
        Map<String, String> env = ChildEnvironment.forCriu(HOSTILE, true);
        assertEquals(Map.of("PATH", ChildEnvironment.SYSTEM_PATH, "HOME", "/root", "LANG", "C.UTF-8", "LC_ALL", "C",
                "TERM", "xterm"), env);
        assertEquals("/home/eve/bin:/usr/bin", ChildEnvironment.forCriu(HOSTILE, false).get("PATH"));
    }

    @Test
    void aCommandKeepsTheUsersPathButNoLoaderOrCriuVariables() {
        Map<String, String> env = ChildEnvironment.forCommand(HOSTILE);
        assertEquals("/home/eve/bin:/usr/bin", env.get("PATH"));
        for (String k : env.keySet()) {
            assertFalse(k.startsWith("LD_") || k.startsWith("CRIU_") || k.equals("BASH_ENV") || k.equals("PYTHONPATH"), k);
        }
        assertTrue(ChildEnvironment.forCommand(Map.of()).containsKey("PATH"), "a PATH even when the caller had none");
    }

    @Test
    void envpIsNameEqualsValue() {
        assertEquals("PATH=/bin", ChildEnvironment.envp(Map.of("PATH", "/bin"))[0]);
    }

    @Test
    void theRequestingUserOfRootComesFromPkexecOrSudo() {
        assertEquals(1000, Credentials.requestingUid(0, Map.of("SUDO_UID", "1000")));
        assertEquals(1001, Credentials.requestingUid(0, Map.of("SUDO_UID", "1000", "PKEXEC_UID", "1001")));
        assertEquals(0, Credentials.requestingUid(0, Map.of("SUDO_UID", "bad")));
        assertEquals(1000, Credentials.requestingUid(1000, Map.of("SUDO_UID", "0")), "only root's environment is read");
    }
}
