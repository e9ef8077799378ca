package org.criuatlas.bridge.proc;

import org.criuatlas.model.AccessMode;
import org.criuatlas.model.FdKind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ProcParsersTest {
    @Test
    void statOfAnOrdinaryProcess() {
        ProcStat s = ProcStat.parse("1234 (bash) S 1200 1234 1234 34816 5678 4194560 1000 0 0 0 1 2 0 0 20 0 1 0 100 "
                + "8000000 500 18446744073709551615 1 1 0 0 0 0 65536 3686404 1266761467 0 0 0 17 1 0 0 0 0 0\n");
        assertEquals(new ProcStat(1234, "bash", 'S', 1200, 1234, 1234, 34816, 5678, 1, 4194560), s);
        assertFalse(s.kernelThread());
    }

    @Test
    void statForegroundGroupAndThreads() {
        ProcStat s = ProcStat.parse("4321 (java) S 1 4321 4321 34817 4400 4194560 1 0 0 0 1 2 0 0 20 0 27 0 100 0 0\n");
        assertEquals(4400, s.tpgid());
        assertEquals(27, s.threads());
        assertEquals(0, ProcStat.parse("5 (x) S 1 5 5 0 -1").threads(), "a line that ends early");
    }

    @Test
    void statWithSpacesAndParenthesesInComm() {
        ProcStat s = ProcStat.parse("77 (a) b (c) d) R 1 77 5 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0\n");
        assertEquals("a) b (c) d", s.comm());
        assertEquals('R', s.state());
        assertEquals(1, s.ppid());
        assertEquals(77, s.pgid());
        assertEquals(5, s.sid());
        assertEquals(0, s.ttyNr());
    }

    @Test
    void statOfAKernelThreadAndAZombie() {
        assertEquals(new ProcStat(2, "kthreadd", 'S', 0, 0, 0, 0, -1, 1, 2129984),
                ProcStat.parse("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0"));
        assertTrue(ProcStat.parse("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0").kernelThread(), "PF_KTHREAD");
        assertEquals('Z', ProcStat.parse("900 (sleep) Z 899 899 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0").state());
    }

    @Test
    void malformedStatIsATypedError() {
        ProcFormatException e = assertThrows(ProcFormatException.class, () -> ProcStat.parse("garbage"));
        assertEquals("stat", e.file());
        assertThrows(ProcFormatException.class, () -> ProcStat.parse("12 (x) S notanumber 1 1"));
        assertThrows(ProcFormatException.class, () -> ProcStat.parse("12 (x)"));
    }

    @Test
    void realUidFromStatus() {
        String status = "Name:\tbash\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t1234\nPid:\t1234\nPPid:\t1200\n"
                + "TracerPid:\t0\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\n";
        assertEquals(1000, ProcStatus.realUid(status));
        assertEquals(-1, ProcStatus.realUid("Name:\tx\n"));
        assertThrows(ProcFormatException.class, () -> ProcStatus.realUid("Uid:\tnope\n"));
    }

    @Test
    void cmdlineArguments() {
        byte[] b = "python3\0-c\0print('a b')\0".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("python3", "-c", "print('a b')"), Cmdline.parse(b, b.length));
        byte[] rewritten = "nginx: worker process".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("nginx: worker process"), Cmdline.parse(rewritten, rewritten.length));
        assertEquals(List.of(), Cmdline.parse(new byte[0], 0));
        byte[] empty = "a\0\0b\0".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("a", "", "b"), Cmdline.parse(empty, empty.length));
    }

    @Test
    void fdinfoFlagsAreOctal() {
        FdInfoFields w = FdInfoFields.parse("pos:\t0\nflags:\t02000001\nmnt_id:\t15\nino:\t4212\n");
        assertEquals(0x80001, w.flags(), "O_CLOEXEC|O_WRONLY");
        assertEquals(AccessMode.WRITE, w.mode());
        assertEquals(15, w.mntId());
        FdInfoFields r = FdInfoFields.parse("pos:\t123\nflags:\t04000\nmnt_id:\t15\n");
        assertEquals(AccessMode.READ, r.mode());
        assertEquals(123, r.pos());
        assertEquals(AccessMode.READ_WRITE, FdInfoFields.parse("pos:\t0\nflags:\t02\n").mode());
        assertThrows(ProcFormatException.class, () -> FdInfoFields.parse("pos:\t0\n"));
        assertThrows(ProcFormatException.class, () -> FdInfoFields.parse("flags:\t9\n"));
    }

    @Test
    void fdLinkTexts() {
        assertEquals(new FdLink(FdKind.SOCKET, 94940, false), FdLink.parse("socket:[94940]"));
        assertEquals(new FdLink(FdKind.PIPE, 4208, false), FdLink.parse("pipe:[4208]"));
        assertEquals(FdKind.ANON_INODE, FdLink.parse("anon_inode:[eventfd]").kind());
        assertEquals(FdKind.ANON_INODE, FdLink.parse("anon_inode:inotify").kind());
        assertEquals(FdKind.TTY, FdLink.parse("/dev/pts/3").kind());
        assertEquals(FdKind.TTY, FdLink.parse("/dev/tty1").kind());
        assertEquals(FdKind.TTY, FdLink.parse("/dev/console").kind());
        FdLink path = FdLink.parse("/tmp/some fifo (deleted)");
        assertTrue(path.needsStat());
        assertFalse(FdLink.parse("/dev/pts/0").needsStat());
        assertEquals(FdKind.OTHER, FdLink.parse("net:[4026531840]").kind());
        assertThrows(ProcFormatException.class, () -> FdLink.parse("socket:[12x]"));
        assertThrows(ProcFormatException.class, () -> FdLink.parse("pipe:[]"));
    }

    @Test
    void kindFromFileMode() {
        assertEquals(FdKind.FIFO, FdLink.kindOfMode(0010644));
        assertEquals(FdKind.DIRECTORY, FdLink.kindOfMode(0040755));
        assertEquals(FdKind.REGULAR, FdLink.kindOfMode(0100644));
        assertEquals(FdKind.DEVICE, FdLink.kindOfMode(0020666));
        assertEquals(FdKind.DEVICE, FdLink.kindOfMode(0060660));
    }

    @Test
    void namespaceLink() {
        assertEquals(4026531840L, FdLink.namespaceInode("net:[4026531840]"));
        assertEquals(0, FdLink.namespaceInode("garbage"));
        assertEquals(0, FdLink.namespaceInode("net:[x]"));
    }
}
