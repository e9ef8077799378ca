package org.criuatlas.bridge.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.UnixSocket;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our reading of pstree, fdinfo and files (unix sockets, pipes) against {@code crit decode} (the
 * CRIU project's own Python decoder, Debian 12's 3.17 reads 4.1.1 images) for one real dump.
 */
@Tag("criu")
class ImageCritCrossCheckTest {
    static final Path CRIT = Path.of("/usr/bin/crit");
    static DumpedFixture fx;
    static IpcGraph g;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void dumpIt() throws Exception {
        var criu = Requirements.requireCriu();
        Requirements.require(Files.isExecutable(CRIT), "crit missing: apt-get install -y criu python3-pycriu (scripts/setup-deps.sh)");
        fx = DumpedFixture.dump(criu);
        g = ImageReader.read(fx.images);
    }

    @AfterAll
    static void cleanUp() {
        if (fx != null) fx.close();
    }

    static JsonNode crit(String image) throws Exception {
        Process p = new ProcessBuilder(CRIT.toString(), "decode", "-i", fx.images.resolve(image).toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "crit hung on " + image);
        assertEquals(0, p.exitValue(), "crit decode " + image);
        return JSON.readTree(out.toByteArray()).get("entries");
    }

    @Test
    void pstreeMatches() throws Exception {
        JsonNode entries = crit("pstree.img");
        assertEquals(entries.size(), g.processes().size());
        for (JsonNode e : entries) {
            ProcessInfo p = g.process(e.get("pid").asInt());
            assertNotNull(p, "pid " + e.get("pid"));
            assertEquals(e.get("ppid").asInt(), p.ppid());
            assertEquals(e.get("pgid").asInt(), p.pgid());
            assertEquals(e.get("sid").asInt(), p.sid());
        }
    }

    @Test
    void fdinfoAndFilesMatch() throws Exception {
        Map<Integer, JsonNode> files = new HashMap<>();
        for (JsonNode f : crit("files.img")) files.put(f.get("id").asInt(), f);
        int fds = 0;
        for (ProcessInfo p : g.processes().values()) {
            if (p.isZombie()) continue;
            int filesId = crit("ids-" + p.pid() + ".img").get(0).get("files_id").asInt();
            JsonNode table = crit("fdinfo-" + filesId + ".img");
            assertEquals(table.size(), p.fds().size(), "fd count of " + p.pid());
            for (JsonNode e : table) {
                FdInfo f = p.fd(e.get("fd").asInt());
                assertNotNull(f, "pid " + p.pid() + " fd " + e.get("fd"));
                JsonNode file = files.get(e.get("id").asInt());
                String type = e.get("type").asText();
                assertEquals(type, file.get("type").asText());
                switch (type) {
                    case "UNIXSK" -> {
                        assertEquals(FdKind.SOCKET, f.kind());
                        assertEquals(file.get("usk").get("ino").asLong(), f.inode());
                    }
                    case "PIPE" -> {
                        assertEquals(FdKind.PIPE, f.kind());
                        assertEquals(file.get("pipe").get("pipe_id").asLong(), f.inode());
                        assertEquals("pipe:[" + f.inode() + "]", f.target());
                    }
                    case "FIFO" -> {
                        assertEquals(FdKind.FIFO, f.kind());
                        assertEquals(file.get("fifo").get("pipe_id").asLong(), f.inode());
                        assertEquals(files.get(file.get("fifo").get("regf_id").asInt()).get("reg").get("name").asText(), f.target());
                    }
                    case "REG" -> assertEquals(file.get("reg").get("name").asText(), f.target());
                    default -> { }
                }
                fds++;
            }
        }
        assertTrue(fds >= 30, "compared " + fds + " fds");
    }

    @Test
    void unixSocketsMatch() throws Exception {
        int n = 0;
        for (JsonNode f : crit("files.img")) {
            if (!f.get("type").asText().equals("UNIXSK")) continue;
            JsonNode u = f.get("usk");
            UnixSocket s = g.socket(u.get("ino").asLong());
            assertNotNull(s, "socket " + u.get("ino"));
            boolean ext = (parseUint(u.get("uflags")) & 1) != 0;
            assertEquals(ext, s.externalPeer(), "external flag of " + s.ino());
            assertEquals(u.get("peer").asLong(), s.peer(), "peer of " + s.ino());
            assertEquals(SocketName.fromRaw(critBytes(u.get("name").asText())), s.name(), "name of " + s.ino());
            if (!ext) {
                assertEquals(u.get("type").asInt(), s.type().linuxValue, "type of " + s.ino());
                assertEquals(u.get("state").asInt(), s.state().linuxValue, "state of " + s.ino());
                assertEquals(u.get("backlog").asLong(), s.sendQueue(), "backlog of " + s.ino());
            }
            n++;
        }
        assertEquals(n, g.sockets().size());
    }

    @Test
    void pipesMatch() throws Exception {
        Map<Long, TreeSet<Integer>> endsById = new TreeMap<>();
        for (JsonNode f : crit("files.img")) {
            if (!f.get("type").asText().equals("PIPE")) continue;
            endsById.computeIfAbsent(f.get("pipe").get("pipe_id").asLong(), k -> new TreeSet<>())
                    .add((int) (parseUint(f.get("pipe").get("flags")) & 3));
        }
        Map<Long, Long> data = new HashMap<>();
        for (JsonNode e : crit("pipes-data.img")) data.merge(e.get("pipe_id").asLong(), e.get("bytes").asLong(), Long::sum);
        TreeSet<Long> ours = new TreeSet<>();
        for (Pipe p : g.pipes().values()) if (!p.isFifo()) ours.add(p.ino());
        // a pipe in files.img that no fd holds would be missing from the graph; CRIU writes none
        assertEquals(endsById.keySet(), ours);
        for (var e : endsById.entrySet()) {
            Pipe p = g.pipe(e.getKey());
            assertEquals(e.getValue().contains(0), !p.readers().isEmpty(), "read end of " + e.getKey());
            assertEquals(e.getValue().contains(1), !p.writers().isEmpty(), "write end of " + e.getKey());
            assertEquals(data.getOrDefault(e.getKey(), 0L), p.queuedBytes(), "queued bytes of " + e.getKey());
        }
        for (Pipe p : g.pipes().values()) for (Holder h : p.readers()) assertNotNull(g.process(h.pid()).fd(h.fd()));
    }

    /** crit prints flag words either as numbers or as hex strings. */
    static long parseUint(JsonNode n) {
        if (n.isNumber()) return n.asLong();
        String t = n.asText();
        if (t.isEmpty()) return 0;
        return t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
    }

    /** crit prints bytes fields quoted-printable style: {@code =00} for a NUL, {@code =3D} for '='. */
    static byte[] critBytes(String s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '=' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                i++;
            } else if (c == '=' && i + 2 < s.length()) {
                b.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                b.write(c);
            }
        }
        return b.toByteArray();
    }
}
