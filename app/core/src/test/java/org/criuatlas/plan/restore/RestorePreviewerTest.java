package org.criuatlas.plan.restore;

import org.criuatlas.bridge.images.ImageDump;
import org.criuatlas.bridge.images.ImageObligations;
import org.criuatlas.bridge.images.ReferencedFiles.RegularFile;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketState;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;
import org.criuatlas.plan.restore.RestorePreview.Kind;
import org.criuatlas.plan.restore.RestorePreview.Severity;
import org.criuatlas.plan.restore.RestorePreviewer.LiveFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The restore preview on fixtures: each kind of conflict, and what is not one. */
class RestorePreviewerTest {
    static final Instant DUMPED = Instant.parse("2026-12-05T10:00:00Z");

    static RestorePreviewer.LiveSide side(Map<Integer, String> pids, Map<String, LiveFile> files, Map<String, List<String>> bound) {
        return new RestorePreviewer.LiveSide() {
            @Override public String processAt(int pid) { return pids.get(pid); }
            @Override public LiveFile file(String path) { return files.getOrDefault(path, LiveFile.MISSING); }
            @Override public List<String> socketHolders(String path) { return bound.getOrDefault(path, List.of()); }
        };
    }

    static LiveFile file(long size, Instant modified) { return new LiveFile(true, false, true, size, modified); }

    static final LiveFile SOCKET = new LiveFile(true, true, false, 0, DUMPED);

    @Test
    void eachConflictKindWithItsPidsAndAdvice() {
        IpcGraph g = WiringFixtures.graph();
        ImageDump dump = new ImageDump(Path.of("/img"), 2, "", g, ImageObligations.of(g), null, null, 10);
        List<RegularFile> files = List.of(
                new RegularFile(1, "/var/log/app.log", 100, 0100644),
                new RegularFile(2, "/etc/app.conf", -1, 0100644),
                new RegularFile(3, "/opt/gone", 5, 0100644),
                new RegularFile(4, "/dev/pts/3", -1, 020620),
                new RegularFile(5, "/srv/data", -1, 040755),
                new RegularFile(6, "/etc/unchanged", 7, 0100644));
        RestorePreview p = RestorePreviewer.preview(dump, files, DUMPED, "box", side(
                Map.of(42, "python3 worker.py (state S)"),
                Map.of("/dev/log", SOCKET, "/var/log/app.log", file(120, DUMPED.plusSeconds(5)),
                        "/etc/app.conf", file(30, DUMPED.plusSeconds(60)), "/srv/data", new LiveFile(true, false, false, 4096, DUMPED),
                        "/etc/unchanged", file(7, DUMPED.minusSeconds(60))),
                Map.of()));

        assertTrue(p.blocked());
        RestorePreview.Conflict pid = p.conflicts(Kind.PID_TAKEN).get(0);
        assertEquals(List.of(42), pid.pids());
        assertEquals("python3 worker.py (state S)", pid.live());
        assertEquals(1, p.conflicts(Kind.PID_TAKEN).size(), "pid 43 is free");

        List<RestorePreview.Conflict> gone = p.conflicts(Kind.SOCKET_PATH_MISSING);
        assertEquals(1, gone.size(), "only /run/svc.sock: /dev/log is there: " + gone);
        assertEquals("/run/svc.sock", gone.get(0).subject());
        assertEquals(List.of(42), gone.get(0).pids());
        assertTrue(gone.get(0).advice().contains("--inherit-fd fd[N]:socket:[" + WiringFixtures.SEQ + "]"), gone.get(0).advice());
        assertTrue(p.afterwards().stream().anyMatch(a -> a.contains("/dev/log") && a.contains("new connection")), p.afterwards().toString());

        RestorePreview.Conflict size = p.conflicts(Kind.FILE_SIZE_CHANGED).get(0);
        assertEquals("/var/log/app.log", size.subject());
        assertEquals(Severity.BLOCKS, size.severity());
        assertEquals(List.of(42), size.pids(), "held by pid 42 at fd 8");
        RestorePreview.Conflict modified = p.conflicts(Kind.FILE_MODIFIED).get(0);
        assertEquals("/etc/app.conf", modified.subject());
        assertEquals(Severity.WARNS, modified.severity());
        assertEquals(List.of("/opt/gone"), p.conflicts(Kind.FILE_MISSING).stream().map(RestorePreview.Conflict::subject).toList(),
                "a device is not compared; a present directory and an unchanged file are fine");
        // blocking ones first
        List<Severity> order = new ArrayList<>(p.conflicts().stream().map(RestorePreview.Conflict::severity).toList());
        assertEquals(order.stream().sorted().toList(), order);

        assertEquals(4, p.wiring().size(), "one row per obligation: stream, dgram, seqpacket, pipe");
        assertTrue(p.wiring().stream().anyMatch(w -> w.key().equals("socket:[" + WiringFixtures.STREAM + "]") && w.argument().startsWith("fd[")));
    }

    @Test
    void aProgramWithAnotherBuildIdBlocksTheSameOneDoesNot() {
        IpcGraph g = WiringFixtures.graph();
        ImageDump dump = new ImageDump(Path.of("/img"), 2, "", g, ImageObligations.of(g), null, null, 10);
        // as CRIU stores them: whole 4-byte words (a 3-byte id ends in a zero byte)
        List<RegularFile> files = List.of(
                new RegularFile(1, "/usr/bin/app", 4096, 0100755, "0a0b0c0d"),
                new RegularFile(2, "/usr/lib/libapp.so", 4096, 0100644, "01020300"),
                new RegularFile(3, "/usr/lib/libgone.so", 4096, 0100644, "11111111"),
                new RegularFile(4, "/usr/lib/libnoid.so", 4096, 0100644));
        Map<String, String> ids = Map.of("/usr/bin/app", "0a0b0c0e", "/usr/lib/libapp.so", "010203");
        RestorePreviewer.LiveSide base = side(Map.of(), Map.of("/usr/bin/app", file(4096, DUMPED), "/usr/lib/libapp.so", file(4096, DUMPED),
                "/usr/lib/libgone.so", file(4096, DUMPED), "/usr/lib/libnoid.so", file(4096, DUMPED)), Map.of());
        RestorePreviewer.LiveSide live = new RestorePreviewer.LiveSide() {
            @Override public String processAt(int pid) { return base.processAt(pid); }
            @Override public LiveFile file(String path) { return base.file(path); }
            @Override public List<String> socketHolders(String path) { return base.socketHolders(path); }
            @Override public String buildId(String path) { return ids.get(path); }
        };
        RestorePreview p = RestorePreviewer.preview(dump, files, DUMPED, "box", live);
        List<RestorePreview.Conflict> rebuilt = p.conflicts(Kind.FILE_BUILD_ID_CHANGED);
        assertEquals(List.of("/usr/bin/app", "/usr/lib/libgone.so"), rebuilt.stream().map(RestorePreview.Conflict::subject).sorted().toList(),
                "another id, or no id any more; a padded equal id and a file CRIU recorded no id for are fine");
        assertTrue(rebuilt.stream().allMatch(c -> c.severity() == Severity.BLOCKS));
        assertTrue(rebuilt.get(0).live().contains("0a0b0c0e") || rebuilt.get(1).live().contains("0a0b0c0e"), rebuilt.toString());
    }

    @Test
    void boundPathTakenByALiveSocketBlocksAStaleFileWarns() {
        UnixSocket listener = new UnixSocket(7001, SocketType.STREAM, SocketState.LISTEN, SocketName.path("/run/app.sock"), 0, 0, 0,
                List.of(), List.of(new Holder(42, 3)), false);
        UnixSocket other = new UnixSocket(7002, SocketType.DGRAM, SocketState.UNCONNECTED, SocketName.path("/run/stale.sock"), 0, 0, 0,
                List.of(), List.of(new Holder(42, 4)), false);
        IpcGraph g = IpcGraph.of(new IpcGraph.Meta(IpcGraph.Source.IMAGES, "/img", Instant.EPOCH, true, 0),
                WiringFixtures.graph().processes().values(), List.of(listener, other), List.of(), List.of());
        ImageDump dump = new ImageDump(Path.of("/img"), 2, "", g, List.of(), null, null, 3);
        RestorePreview p = RestorePreviewer.preview(dump, List.of(), null, "box", side(Map.of(),
                Map.of("/run/app.sock", SOCKET, "/run/stale.sock", SOCKET), Map.of("/run/app.sock", List.of("pid 42 python3"))));
        List<RestorePreview.Conflict> c = p.conflicts(Kind.SOCKET_PATH_EXISTS);
        assertEquals(2, c.size(), c.toString());
        assertEquals(Severity.BLOCKS, c.stream().filter(x -> x.subject().equals("/run/app.sock")).findFirst().orElseThrow().severity());
        assertTrue(c.stream().filter(x -> x.subject().equals("/run/app.sock")).findFirst().orElseThrow().live().contains("pid 42 python3"));
        assertEquals(Severity.WARNS, c.stream().filter(x -> x.subject().equals("/run/stale.sock")).findFirst().orElseThrow().severity());
        assertTrue(RestorePreviewer.preview(dump, List.of(), null, "box", side(Map.of(), Map.of(), Map.of())).conflicts().isEmpty(),
                "paths that are free are no conflict");
    }
}
