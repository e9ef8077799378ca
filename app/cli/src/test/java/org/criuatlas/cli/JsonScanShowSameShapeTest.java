package org.criuatlas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.bridge.topo.TopologySpec;
import org.criuatlas.json.Json;
import org.criuatlas.testing.Requirements;
import org.criuatlas.testing.TestProcs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.criuatlas.model.SocketType.DGRAM;
import static org.criuatlas.model.SocketType.SEQPACKET;
import static org.criuatlas.model.SocketType.STREAM;
import static org.junit.jupiter.api.Assertions.*;

/**
 * One JSON model: a live topology tree as {@code scan --json}, dumped by real CRIU through
 * {@code dump --json}, read back by {@code show --json}. Every process, fd, socket and pipe of the dump
 * has the same fields with the same JSON types in both documents, and the same values apart from the
 * differences docs/image-reader.md lists (each one named below).
 */
@Tag("criu")
class JsonScanShowSameShapeTest {
    @TempDir
    Path tmp;

    static TopologySpec spec() {
        return new TopologySpec()
                .process("outside")
                .process("solo").process("kid", "solo").process("grand", "kid")
                .socketpair("sp", STREAM, "solo", "kid")
                .socketpair("sq", SEQPACKET, "kid", "grand")
                .socketpair("sd", DGRAM, "solo", "grand")
                .pipe("p", "kid", "solo")
                .listen("srv", STREAM, "solo", TopologySpec.AUTO_PATH)
                .connect("cli", "kid", "srv")
                .dgramServer("log", "solo", TopologySpec.AUTO_ABSTRACT)
                .connect("dcli", "grand", "log")
                .unbound("u", STREAM, "kid")
                .fifo("f", null, "kid", "solo")
                .share("sp", "kid", "grand")
                .socketpair("ext", STREAM, "solo", "outside")
                .dgramServer("syslog", "outside", TopologySpec.AUTO_PATH)
                .connect("sl", "kid", "syslog")
                .pipe("op", "outside", "grand");
    }

    @Test
    void scanAndShowOfTheSameTreeAgreeFieldByField() throws Exception {
        Requirements.requireCriu();
        TestProcs.criuAsSubreaper();
        ObjectMapper om = new ObjectMapper();
        try (Topology t = Topology.start(spec())) {
            int root = t.pid("solo");
            long extIno = t.inode("ext", "solo");
            JsonNode scan = om.readTree(json("scan", "--json", "--pid", "" + root));
            Path images = tmp.resolve("img");
            JsonNode dump = om.readTree(json("dump", "--pid", "" + root, "--images", images.toString(), "--leave-running",
                    "--external", "unix[" + extIno + "]", "--ext-unix-sk", "--json"));
            assertTrue(dump.get("success").asBoolean(), dump.toPrettyString());
            JsonNode show = om.readTree(json("show", images.toString(), "--json"));

            for (JsonNode doc : List.of(scan, dump, show)) assertEquals(Json.SCHEMA_VERSION, doc.get("schema").asInt());
            assertEquals(List.of("scan", "dump", "show"), List.of(scan.get("command").asText(), dump.get("command").asText(),
                    show.get("command").asText()));
            assertSameFields(scan, show, "top level", Set.of("image", "obligations", "stats", "inheritKeyFindings"));

            Map<Long, JsonNode> liveProcs = byKey(scan.get("processes"), "pid");
            Map<Long, JsonNode> imgProcs = byKey(show.get("processes"), "pid");
            assertEquals(new TreeSet<>(List.of((long) root, (long) t.pid("kid"), (long) t.pid("grand"))), new TreeSet<>(imgProcs.keySet()));
            int fds = 0;
            for (var e : imgProcs.entrySet()) {
                JsonNode ip = e.getValue(), lp = liveProcs.get(e.getKey());
                String what = "process " + e.getKey();
                assertSameShape(lp, ip, what);
                for (String f : List.of("pid", "pgid", "sid", "comm", "fdsReadable")) assertEquals(lp.get(f), ip.get(f), what + " " + f);
                // documented differences: the root's parent is outside the dump; R/D are stored as S; cmdline, uid,
                // tty and net namespace are not in the images CRIU Atlas reads
                assertEquals(e.getKey() == root ? 0 : lp.get("ppid").asInt(), ip.get("ppid").asInt(), what + " ppid");
                String st = lp.get("state").asText();
                assertEquals(st.equals("R") || st.equals("D") ? "S" : st, ip.get("state").asText(), what + " state");
                assertEquals(0, ip.get("cmdline").size(), what + " cmdline");
                assertEquals(-1, ip.get("uid").asInt(), what + " uid");
                Map<Long, JsonNode> lf = byKey(lp.get("fds"), "fd"), imf = byKey(ip.get("fds"), "fd");
                assertEquals(lf.keySet(), imf.keySet(), what + " fd numbers");
                for (var fe : imf.entrySet()) {
                    JsonNode a = lf.get(fe.getKey()), b = fe.getValue();
                    String fw = what + " fd " + fe.getKey();
                    assertSameShape(a, b, fw);
                    for (String f : List.of("fd", "kind", "target", "ino", "key")) assertEquals(a.get(f), b.get(f), fw + " " + f);
                    // the live scan reads the access mode of IPC fds only
                    if (!a.get("mode").isNull()) assertEquals(a.get("mode"), b.get("mode"), fw + " mode");
                    fds++;
                }
            }
            assertTrue(fds >= 20, "compared " + fds + " fds");

            Map<Long, JsonNode> liveSocks = byKey(scan.get("sockets"), "ino");
            int sockets = 0;
            for (JsonNode is : show.get("sockets")) {
                long ino = is.get("ino").asLong();
                JsonNode ls = liveSocks.get(ino);
                assertNotNull(ls, "scan --json lacks socket " + ino);
                String what = "socket " + ino;
                assertSameShape(ls, is, what);
                for (String f : List.of("ino", "key", "name", "nameKind")) assertEquals(ls.get(f), is.get(f), what + " " + f);
                if (is.get("externalPeer").asBoolean()) {
                    // documented: CRIU's entry for the outside end has no type, state, peer or holders
                    assertEquals("unknown", is.get("type").asText(), what);
                    assertTrue(is.get("peer").isNull() && is.get("holders").isEmpty(), what);
                    assertFalse(ls.get("externalPeer").asBoolean(), "live sockets are never external entries");
                    continue;
                }
                for (String f : List.of("type", "state", "peer", "rqueue")) assertEquals(ls.get(f), is.get(f), what + " " + f);
                assertEquals(insideOnly(ls.get("holders"), imgProcs), is.get("holders"), what + " holders");
                sockets++;
            }
            assertTrue(sockets >= 14, "compared " + sockets + " sockets");

            Map<Long, JsonNode> livePipes = byKey(scan.get("pipes"), "ino");
            int pipes = 0;
            for (JsonNode ip : show.get("pipes")) {
                JsonNode lp = livePipes.get(ip.get("ino").asLong());
                String what = "pipe " + ip.get("ino");
                assertNotNull(lp, "scan --json lacks " + what);
                assertSameShape(lp, ip, what);
                for (String f : List.of("ino", "key", "fifo")) assertEquals(lp.get(f), ip.get(f), what + " " + f);
                assertEquals(insideOnly(lp.get("readers"), imgProcs), ip.get("readers"), what + " readers");
                assertEquals(insideOnly(lp.get("writers"), imgProcs), ip.get("writers"), what + " writers");
                // documented: queued bytes are known only in images
                assertTrue(lp.get("queuedBytes").isNull() && ip.get("queuedBytes").isNumber(), what + " queuedBytes");
                pipes++;
            }
            assertTrue(pipes >= 3, "compared " + pipes + " pipes");

            // the obligations show names are the keys scan's fds carry
            Set<String> keys = new TreeSet<>();
            show.get("obligations").forEach(o -> keys.add(o.get("key").asText()));
            assertEquals(new TreeSet<>(Set.of("socket:[" + extIno + "]", "socket:[" + t.inode("sl", "kid") + "]",
                    "pipe:[" + t.inode("op", "grand") + "]")), keys);
            // dump and show name CRIU's statistics the same way
            assertSameFields(dump.get("stats").get("dump"), show.get("stats").get("dump"), "stats.dump", Set.of());
        }
    }

    /** Runs a command in-process and returns its stdout, failing with stderr when it does not exit 0. */
    private static String json(String... args) {
        CliRun.Result r = CliRun.run(args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + ": " + r.err());
        return r.out();
    }

    /** Same field names, and each field the same JSON type unless one side is null (a documented unknown). */
    private static void assertSameShape(JsonNode live, JsonNode image, String what) {
        assertSameFields(live, image, what, Set.of());
        for (Iterator<String> it = image.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            JsonNode a = live.get(f), b = image.get(f);
            if (a.isNull() || b.isNull()) continue;
            assertEquals(a.getNodeType(), b.getNodeType(), what + ": field " + f + " is " + a.getNodeType() + " in scan, "
                    + b.getNodeType() + " in show");
        }
    }

    private static void assertSameFields(JsonNode live, JsonNode image, String what, Set<String> onlyInImage) {
        Set<String> a = new TreeSet<>(), b = new TreeSet<>();
        live.fieldNames().forEachRemaining(a::add);
        image.fieldNames().forEachRemaining(b::add);
        b.removeAll(onlyInImage);
        assertEquals(a, b, what + ": field names");
    }

    private static Map<Long, JsonNode> byKey(JsonNode array, String field) {
        Map<Long, JsonNode> m = new TreeMap<>();
        array.forEach(n -> m.put(n.get(field).asLong(), n));
        return m;
    }

    /** Holders as the image has them: only processes inside the dump. */
    private static JsonNode insideOnly(JsonNode holders, Map<Long, JsonNode> inside) {
        List<JsonNode> keep = new ArrayList<>();
        holders.forEach(h -> {
            if (inside.containsKey(h.get("pid").asLong())) keep.add(h);
        });
        return new ObjectMapper().valueToTree(keep);
    }
}
