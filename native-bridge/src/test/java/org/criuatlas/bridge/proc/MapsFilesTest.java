package org.criuatlas.bridge.proc;

import org.criuatlas.bridge.images.ElfBuildId;
import org.criuatlas.testing.TestProcs;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The files a live process maps, against {@code lsof} (its {@code txt} and {@code mem} entries), and
 * the build-id of each ELF one against {@code readelf -n}: a python process that also maps a data
 * file and a file it then deletes.
 */
class MapsFilesTest {
    static final String MAPPER = """
            import mmap, os, signal, sys
            keep, gone, ready = sys.argv[1], sys.argv[2], sys.argv[3]
            maps = []
            for p in (keep, gone):
                with open(p, "wb") as f:
                    f.write(b"x" * 8192)
                fd = os.open(p, os.O_RDONLY)
                maps.append(mmap.mmap(fd, 8192, prot=mmap.PROT_READ))
                os.close(fd)
            os.unlink(gone)
            with open(ready, "w") as f:
                f.write("1")
            while True:
                signal.pause()
            """;

    @Test
    void mappedFilesAgreeWithLsofAndBuildIdsWithReadelf() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "maps-files").toAbsolutePath());
        Path keep = dir.resolve("kept data.bin"), gone = dir.resolve("gone.bin"), ready = dir.resolve("ready");
        Files.deleteIfExists(ready);
        try (TestProcs.Proc p = TestProcs.python(MAPPER, List.of(keep.toString(), gone.toString(), ready.toString()), Map.of(), null)) {
            assertTrue(TestProcs.waitCounterAbove(ready, 0, Duration.ofSeconds(20)) > 0, "the mapper did not start");
            assertTrue(p.alive(), "the mapper runs");
            List<Integer> unreadable = new ArrayList<>();
            SortedMap<String, List<Integer>> ours = MapsFiles.of(List.of(p.pid, 4_194_304), unreadable);
            assertEquals(List.of(), unreadable);

            Set<String> lsof = lsofMapped(p.pid);
            assertEquals(lsof, ours.keySet(), "lsof's txt and mem files vs ours");
            assertTrue(p.alive(), "still running when lsof looked");
            assertTrue(ours.containsKey(keep.toString()), "a data file with a blank in its name: " + ours.keySet());
            assertFalse(ours.keySet().stream().anyMatch(s -> s.contains("gone.bin")), "a deleted file is CRIU's to carry");
            assertTrue(ours.containsKey(Path.of(TestProcs.PYTHON).toRealPath().toString()), "the program itself");
            ours.values().forEach(pids -> assertEquals(List.of(p.pid), pids));

            // the deleted one, as the scan reports it: its size and no link left, through map_files
            org.criuatlas.model.IpcGraph g;
            try (org.criuatlas.bridge.scan.LiveScanner s = new org.criuatlas.bridge.scan.LiveScanner()) {
                g = s.scan(org.criuatlas.bridge.scan.ScanScope.subtrees(Set.of(p.pid)));
            }
            long goneIno = Long.parseLong(Files.readString(Path.of("/proc/" + p.pid + "/maps")).lines()
                    .filter(l -> l.endsWith(gone + " (deleted)")).findFirst().orElseThrow().trim().split(" +")[4]);
            assertEquals(List.of(new org.criuatlas.model.DeletedMapping(gone.toString(), goneIno, 8192, 0)), g.process(p.pid).deletedMappings());

            int elf = 0;
            for (String f : ours.keySet()) {
                Optional<String> id = ElfBuildId.of(Path.of(f), false);
                assertEquals(org.criuatlas.testing.ElfFiles.readelfBuildId(Path.of(f)), id, f);
                if (id.isPresent()) elf++;
            }
            assertTrue(elf >= 2, "python and libc at least have build-ids: " + elf);
        }
    }

    @Test
    void parsesTheLinesCriuWouldMapAgain() {
        String maps = """
                55d0c0a00000-55d0c0a01000 r--p 00000000 08:01 1311 /usr/bin/sleep
                55d0c0a01000-55d0c0a05000 r-xp 00001000 08:01 1311 /usr/bin/sleep
                55d0c1a00000-55d0c1a21000 rw-p 00000000 00:00 0                          [heap]
                7f0000000000-7f0000001000 rw-s 00000000 00:01 32768                      /SYSV00000000 (deleted)
                7f0000001000-7f0000002000 rw-s 00000000 00:01 1025                       /memfd:x (deleted)
                7f0000002000-7f0000003000 r--p 00000000 08:01 77                         /srv/a file with blanks
                7f0000003000-7f0000004000 rw-p 00000000 00:00 0
                7ffd00000000-7ffd00001000 r-xp 00000000 00:00 0                          [vdso]
                """;
        byte[] b = maps.getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("/usr/bin/sleep", "/srv/a file with blanks"), List.copyOf(MapsFiles.paths(b, b.length)));
    }

    @Test
    void deletedMappingsLeaveOutWhatCriuDumpsItsOwnWay() {
        String maps = """
                55d0c0a00000-55d0c0a01000 r--p 00000000 08:01 1311 /usr/lib/libold.so (deleted)
                55d0c0a01000-55d0c0a05000 r-xp 00001000 08:01 1311 /usr/lib/libold.so (deleted)
                55d0c0a05000-55d0c0a06000 r--p 00000000 08:01 1400 /usr/bin/sleep
                7f0000000000-7f0000001000 rw-s 00000000 00:01 32768                      /SYSV00000000 (deleted)
                7f0000001000-7f0000002000 rw-s 00000000 00:01 1025                       /memfd:x (deleted)
                7f0000002000-7f0000003000 rw-s 00000000 00:01 1026                       /dev/zero (deleted)
                7f0000003000-7f0000004000 rw-s 00000000 00:0f 1027                       /anon_hugepage (deleted)
                7f0000004000-7f0000005000 rw-s 00000000 00:10 1028                       /[aio] (deleted)
                7f0000005000-7f0000006000 r--p 00000000 08:01 99 /srv/old data (deleted)
                """;
        byte[] b = maps.getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of(new MapsFiles.Deleted("/usr/lib/libold.so", 1311, "55d0c0a00000-55d0c0a01000"),
                        new MapsFiles.Deleted("/srv/old data", 99, "7f0000005000-7f0000006000")),
                MapsFiles.deleted(b, b.length));
        // the same pass gives the SysV attachments, as MapsSysv reads them from the whole text (shmid 0 is one)
        String twice = maps + "7f0000006000-7f0000007000 rw-s 00000000 00:01 0                          /SYSV41544c53 (deleted)\n";
        byte[] t = twice.getBytes(StandardCharsets.UTF_8);
        MapsFiles.Unnamed u = MapsFiles.deletedAndShm(t, t.length);
        assertEquals(List.of(32768, 0), u.shmids());
        assertEquals(MapsSysv.shmids(t, t.length), u.shmids());
        assertEquals(MapsFiles.deleted(b, b.length), u.deleted());
        // a deleted file under a folder named SYSV is a file, not a segment
        String folder = "7f0000008000-7f0000009000 r--p 00000000 08:01 77 /opt/SYSV/lib.so (deleted)\n";
        byte[] f = folder.getBytes(StandardCharsets.UTF_8);
        assertEquals(new MapsFiles.Unnamed(List.of(new MapsFiles.Deleted("/opt/SYSV/lib.so", 77, "7f0000008000-7f0000009000")), List.of()),
                MapsFiles.deletedAndShm(f, f.length));
        assertEquals(List.of(), MapsSysv.shmids(f, f.length));
    }

    @Test
    void aProcessThatIsGoneIsLeftOut() {
        List<Integer> unreadable = new ArrayList<>();
        assertEquals(new TreeMap<>(), MapsFiles.of(List.of(4_194_304), unreadable));
        assertEquals(List.of(), unreadable);
    }

    /** lsof -F: the REG files in fd column txt (the program) or mem (mappings); DEL ones are deleted. */
    static Set<String> lsofMapped(int pid) throws Exception {
        Process p = new ProcessBuilder("lsof", "-n", "-P", "-w", "-p", Integer.toString(pid), "-F", "ftn")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Set<String> files = new TreeSet<>();
        String fd = null, type = null;
        for (String line : out.split("\n")) {
            if (line.isEmpty()) continue;
            char c = line.charAt(0);
            String v = line.substring(1);
            if (c == 'f') {
                fd = v;
                type = null;
            } else if (c == 't') {
                type = v;
            } else if (c == 'n' && ("txt".equals(fd) || "mem".equals(fd)) && "REG".equals(type)) {
                files.add(v);
            }
        }
        return files;
    }
}
