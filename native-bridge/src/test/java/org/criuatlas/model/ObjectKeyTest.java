package org.criuatlas.model;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** The one spelling of CRIU's object keys. */
class ObjectKeyTest {
    @Test
    void writesWhatCriuAndProcWrite() throws Exception {
        assertEquals("socket:[123]", ObjectKey.ofSocket(123).text());
        assertEquals("pipe:[7]", ObjectKey.ofPipe(7).toString());
        assertEquals("unix[123]", ObjectKey.ofSocket(123).externalUnix());
        assertThrows(IllegalStateException.class, () -> ObjectKey.ofPipe(7).externalUnix());
        // the kernel's own spelling, read back from a real pipe of this process
        try (var ch = java.nio.channels.Pipe.open().source()) {
            for (Path fd : Files.list(Path.of("/proc/self/fd")).toList()) {
                String link;
                try {
                    link = Files.readSymbolicLink(fd).toString();
                } catch (java.io.IOException gone) {
                    continue;
                }
                if (link.startsWith("pipe:[")) assertEquals(link, ObjectKey.parse(link).orElseThrow().text());
            }
        }
    }

    @Test
    void parsesKeysExactlyAndNothingElse() {
        assertEquals(Optional.of(ObjectKey.ofSocket(42)), ObjectKey.parse("socket:[42]"));
        assertEquals(Optional.of(ObjectKey.ofPipe(9)), ObjectKey.parse("pipe:[9]"));
        for (String bad : new String[] {"socket[42]", "socket:[]", "socket:[4x2]", "socket:[42", " socket:[42]", "pipe:[-1]",
                "anon_inode:[eventfd]", "/tmp/x", "unix[42]", "socket:[99999999999999999999]", ""})
            assertTrue(ObjectKey.parse(bad).isEmpty(), bad);
        assertTrue(ObjectKey.parse(null).isEmpty());
    }

    @Test
    void externalTakesUnixInoABareInoOrTheSocketKey() {
        assertEquals(ObjectKey.ofSocket(5), ObjectKey.parseExternalUnix("unix[5]"));
        assertEquals(ObjectKey.ofSocket(5), ObjectKey.parseExternalUnix("5"));
        assertEquals(ObjectKey.ofSocket(5), ObjectKey.parseExternalUnix(" 5 "));
        assertEquals(ObjectKey.ofSocket(5), ObjectKey.parseExternalUnix("socket:[5]"));
        for (String bad : new String[] {"pipe:[5]", "unix[]", "unix5", "0", "-5", "unix[5", "five", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ObjectKey.parseExternalUnix(bad), bad);
            assertTrue(e.getMessage().contains("unix[INO] or INO"), e.getMessage());
        }
    }
}
