package org.criuatlas.bridge.scan;

import org.criuatlas.bridge.proc.FdLink;
import org.criuatlas.model.NamespaceKind;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The native /proc reader against what Java's own file API reads from the same links. */
class NativeProcFsTest {
    @Test
    void namespaceInodesReadFromLinkBytesAreWhatTheLinkTextSays() throws Exception {
        int pid = (int) ProcessHandle.current().pid();
        int seen = 0;
        try (NativeProcFs fs = new NativeProcFs(); ProcFs.Dir d = fs.open(pid)) {
            for (NamespaceKind k : NamespaceKind.values()) {
                Path link = Path.of("/proc/" + pid + "/ns/" + k.linkName);
                if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue; // a kind this kernel lacks
                long expected = FdLink.namespaceInode(Files.readSymbolicLink(link).toString());
                assertNotEquals(0, expected, link + " reads as a namespace link");
                assertEquals(expected, d.namespaceInode("ns/" + k.linkName), k.linkName);
                assertEquals(Files.readSymbolicLink(link).toString(), d.readlink("ns/" + k.linkName), k.linkName);
                seen++;
            }
            assertTrue(seen >= 6, "a kernel has at least cgroup, ipc, mnt, net, pid and uts namespaces: " + seen);
            assertEquals(FdLink.namespaceInode(Files.readSymbolicLink(Path.of("/proc/" + pid + "/cwd")).toString()),
                    d.namespaceInode("cwd"), "a link that is no namespace link is 0, as its text says");
            ProcError e = assertThrows(ProcError.class, () -> d.namespaceInode("ns/no-such-kind"));
            assertEquals(ProcSyscalls.ENOENT, e.errno, "a missing link");
        }
    }
}
