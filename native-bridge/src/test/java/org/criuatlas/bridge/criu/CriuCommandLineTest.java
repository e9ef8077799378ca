package org.criuatlas.bridge.criu;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CriuCommandLineTest {
    @Test
    void dumpCommand() {
        CriuOptions o = CriuOptions.defaults().withPid(42).withImagesDir(Path.of("/tmp/my images"))
                .withLeaveRunning(true).withShellJob(true).withTcpEstablished(true).withFileLocks(true)
                .withExtUnixSk(true).plusExternal("unix[123]").withWorkDir(Path.of("/w"));
        assertEquals("/opt/criu dump -t 42 -D '/tmp/my images' -W /w -o dump.log -v4 --shell-job --tcp-established"
                + " --file-locks --ext-unix-sk --leave-running --external 'unix[123]'", CriuCommandLine.dump(Path.of("/opt/criu"), o));
    }

    @Test
    void calibrationOptionsOnTheCommandLineAndInTheRpcRequest() {
        CriuOptions o = CriuOptions.defaults().withPid(7).withImagesDir(Path.of("/i")).withTcpClose(true)
                .withTcpSkipInFlight(true).withLinkRemap(true).withGhostLimit(3 << 20);
        assertEquals("criu dump -t 7 -D /i -o dump.log -v4 --tcp-close --skip-in-flight --link-remap --ghost-limit 3145728",
                CriuCommandLine.dump(null, o));
        assertThrows(IllegalArgumentException.class, () -> o.withGhostLimit(-1));
    }

    @Test
    void restoreCommandWithInheritFdRedirection() {
        CriuOptions o = CriuOptions.defaults().withImagesDir(Path.of("/img")).withRestoreSibling(true).withLogLevel(2)
                .withLogFile("r.log").withInheritFds(List.of(new CriuOptions.InheritFd("socket:[777]", 10),
                        new CriuOptions.InheritFd("pipe:[9]", 11)));
        assertEquals("criu restore -D /img -o r.log -v2 --restore-detached --restore-sibling --inherit-fd 'fd[10]:socket:[777]'"
                + " --inherit-fd 'fd[11]:pipe:[9]' 10<&20", CriuCommandLine.restore(null, o, Map.of(10, 20, 11, 11)));
    }

    @Test
    void quotingSurvivesQuotesAndGlobs() {
        assertEquals("'it'\\''s'", CriuCommandLine.quote("it's"));
        assertEquals("'a b*'", CriuCommandLine.quote("a b*"));
        assertEquals("''", CriuCommandLine.quote(""));
        assertEquals("plain/path-1.2", CriuCommandLine.quote("plain/path-1.2"));
        assertEquals("'$(rm -rf /)'", CriuCommandLine.quote("$(rm -rf /)"));
    }

    @Test
    void dumpWithoutPidIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CriuCommandLine.dump(null, CriuOptions.defaults().withImagesDir(Path.of("/i"))));
    }
}
