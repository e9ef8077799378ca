package org.criuatlas.bridge.scan;

import org.criuatlas.model.FileLock;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.testing.Requirements;
import org.criuatlas.testing.ScriptProcs;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The scan's file locks against /proc/locks read right before and right after it (every line that
 * is the same both times must be in the scan, in order, with the same kind, access, pid, file and
 * range), and their holders against the {@code lock:} lines of every fdinfo of the processes that
 * hold them, read here with a regex of our own. A python process and its forked child hold a POSIX
 * write lock that a second child waits for, a shared flock and an OFD lock whose open file
 * description both share, a POSIX read lock through a dup'ed fd, and a read lease.
 */
class LiveScannerLocksTest {
    static final String LOCKS = """
            import fcntl, os, struct, sys, time
            d = sys.argv[1]
            def f(name, mode='w'):
                x = open(os.path.join(d, name), mode); print(name, x.fileno(), flush=True); return x
            a = f('posix'); fcntl.lockf(a, fcntl.LOCK_EX, 10, 5)
            b = f('flock'); fcntl.flock(b, fcntl.LOCK_SH)
            c = f('ofd'); fcntl.fcntl(c, 37, struct.pack('hhqqi', fcntl.F_WRLCK, 0, 100, 0, 0))
            e = f('posixread', 'r'); fcntl.lockf(e, fcntl.LOCK_SH, 0, 0); print('posixread-dup', os.dup(e.fileno()), flush=True)
            l = f('lease', 'r'); fcntl.fcntl(l, fcntl.F_SETLEASE, fcntl.F_RDLCK)
            if os.fork() == 0:                       # shares b and c (same open file descriptions)
                while True: time.sleep(1)
            if os.fork() == 0:                       # waits for the POSIX lock
                w = open(os.path.join(d, 'posix'), 'w'); fcntl.lockf(w, fcntl.LOCK_EX, 1, 7); os._exit(0)
            while True:
                time.sleep(0.02)
                if '->' in open('/proc/locks').read(): break
            print('ready', flush=True)
            while True: time.sleep(1)
            """;

    private static final Pattern FDINFO_LOCK = Pattern.compile("^lock:\\s+\\d+: (\\S+)\\s+\\S+\\s+(\\S+)\\s+(-?\\d+) (\\S+) (\\d+) (\\S+)$",
            Pattern.MULTILINE);

    @Test
    void everyStableLockAgreesWithProcLocksAndItsHoldersWithFdinfo() throws Exception {
        Requirements.requireRoot(); // other users' fdinfo
        Path dir = Path.of("target", "scan-tests", "locks").toAbsolutePath();
        Files.createDirectories(dir);
        for (String n : List.of("posix", "flock", "ofd", "posixread", "lease")) Files.writeString(dir.resolve(n), "0123456789");
        try (ScriptProcs py = ScriptProcs.start(dir.getParent(), "locks", LOCKS, dir.toString()); LiveScanner scanner = new LiveScanner()) {
            scanner.scan();
            List<String> before = Files.readAllLines(Path.of("/proc/locks"));
            IpcGraph g = scanner.scan();
            List<String> after = Files.readAllLines(Path.of("/proc/locks"));

            // /proc/locks, line by line (ids are ordinals: compare what follows them)
            Set<String> stable = new HashSet<>();
            for (String l : after) stable.add(withoutId(l));
            List<String> scanned = new ArrayList<>();
            for (FileLock l : g.fileLocks()) if (l.id() != 0) scanned.add(procLocksText(l));
            List<String> expected = new ArrayList<>();
            for (String l : before) if (stable.contains(withoutId(l))) expected.add(normalize(withoutId(l)));
            List<String> missing = new ArrayList<>(expected);
            missing.removeAll(scanned);
            assertEquals(List.of(), missing, "stable /proc/locks lines missing from the scan; scan has " + scanned);

            // holders: the fds whose fdinfo shows the lock, read independently for the script's processes
            List<Integer> tree = py.tree();
            int compared = 0;
            for (FileLock l : g.fileLocks()) {
                if (l.waiting() || l.holders().isEmpty() && !tree.contains(l.pid())) continue;
                boolean ours = l.holders().stream().anyMatch(h -> tree.contains(h.pid())) || tree.contains(l.pid());
                if (!ours) continue;
                Set<Holder> fromFdinfo = new TreeSet<>();
                for (int pid : tree) fromFdinfo.addAll(fdinfoHolders(pid, l));
                assertEquals(fromFdinfo, new TreeSet<>(l.holders()), "holders of " + procLocksText(l));
                assertTrue(l.path() != null && l.path().startsWith(dir.toString()), "path of " + procLocksText(l) + ": " + l.path());
                compared++;
            }
            assertEquals(5, compared, "the script's five held locks");

            int pid = py.pid();
            int sharer = tree.stream().filter(p -> p != pid && !waits(g, p)).findFirst().orElseThrow();
            FileLock ofd = lockOn(g, dir.resolve("ofd"));
            assertEquals(FileLock.LockKind.OFD, ofd.kind());
            assertEquals(-1, ofd.pid(), "OFD locks show no pid in /proc/locks");
            Set<Holder> everyone = new HashSet<>();
            for (int p : tree) everyone.add(new Holder(p, py.intValue("ofd")));
            assertEquals(everyone, Set.copyOf(ofd.holders()), "fdinfo names every process sharing the open file description (both children forked after)");
            assertTrue(ofd.holders().contains(new Holder(sharer, py.intValue("ofd"))));
            assertEquals(100, ofd.start());
            assertEquals(-1, ofd.end());
            FileLock flock = lockOn(g, dir.resolve("flock"));
            assertEquals(FileLock.LockAccess.READ, flock.access());
            assertEquals(tree.size(), flock.holders().size(), "a flock belongs to the open file description, which every child shares");
            FileLock posix = lockOn(g, dir.resolve("posix"));
            assertEquals(List.of(new Holder(pid, py.intValue("posix"))), posix.holders());
            assertEquals(5, posix.start());
            assertEquals(14, posix.end());
            FileLock read = lockOn(g, dir.resolve("posixread"));
            assertEquals(Set.of(new Holder(pid, py.intValue("posixread")), new Holder(pid, py.intValue("posixread-dup"))),
                    Set.copyOf(read.holders()), "a dup shares the file the lock was taken through");
            assertEquals(FileLock.LockKind.LEASE, lockOn(g, dir.resolve("lease")).kind());
            assertTrue(g.fileLocks().stream().anyMatch(l -> l.waiting() && l.ino() == posix.ino() && l.start() == 7 && l.end() == 7));
            assertTrue(g.locksOf(pid).contains(posix));
        }
    }

    private static boolean waits(IpcGraph g, int pid) {
        return g.fileLocks().stream().anyMatch(l -> l.waiting() && l.pid() == pid);
    }

    private static FileLock lockOn(IpcGraph g, Path file) throws IOException {
        long ino = (Long) Files.getAttribute(file, "unix:ino");
        return g.fileLocks().stream().filter(l -> l.ino() == ino && !l.waiting()).findFirst().orElseThrow();
    }

    /** The fds of {@code pid} whose fdinfo has a lock line equal to {@code l}. */
    private static List<Holder> fdinfoHolders(int pid, FileLock l) throws IOException {
        List<Holder> out = new ArrayList<>();
        Path fdinfo = Path.of("/proc", Integer.toString(pid), "fdinfo");
        try (var files = Files.list(fdinfo)) {
            for (Path p : files.toList()) {
                String text;
                try {
                    text = Files.readString(p);
                } catch (IOException e) {
                    continue; // closed meanwhile
                }
                Matcher m = FDINFO_LOCK.matcher(text);
                while (m.find()) {
                    String line = m.group(1) + " " + m.group(2) + " " + m.group(3) + " " + m.group(4) + " " + m.group(5) + " " + m.group(6);
                    if (line.equals(fdinfoText(l))) out.add(new Holder(pid, Integer.parseInt(p.getFileName().toString())));
                }
            }
        }
        return out;
    }

    static String withoutId(String line) {
        return line.substring(line.indexOf(':') + 1).strip();
    }

    static String normalize(String s) {
        return s.replaceAll("\\s+", " ");
    }

    /** A scanned lock as /proc/locks prints it after the id. */
    static String procLocksText(FileLock l) {
        String kind = switch (l.kind()) {
            case POSIX -> "POSIX";
            case FLOCK -> "FLOCK";
            case OFD -> "OFDLCK";
            case LEASE -> "LEASE";
            case DELEGATION -> "DELEG";
            case OTHER -> "?";
        };
        String mode = l.kind() == FileLock.LockKind.LEASE ? "ACTIVE" : "ADVISORY";
        String access = switch (l.access()) {
            case READ -> "READ";
            case WRITE -> "WRITE";
            case NONE -> "UNLCK";
        };
        return (l.waiting() ? "-> " : "") + kind + " " + mode + " " + access + " " + l.pid() + " " + l.deviceHex() + ":" + l.ino()
                + " " + l.start() + " " + (l.end() < 0 ? "EOF" : Long.toString(l.end()));
    }

    static String fdinfoText(FileLock l) {
        String t = procLocksText(l);
        String[] w = t.split(" ");
        return w[0] + " " + w[2] + " " + w[3] + " " + w[4] + " " + w[5] + " " + w[6];
    }
}
