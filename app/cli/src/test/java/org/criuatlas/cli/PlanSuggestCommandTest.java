package org.criuatlas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.bridge.topo.TopologySpec;
import org.criuatlas.model.SocketType;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code plan --pid P --suggest --json} on real processes: a worker holding one end of a socketpair
 * whose other end its parent (outside the dump) holds. The suggestions are: dump from the parent
 * (no restore obligation) and mark the worker's end external (one), in that order, each with the
 * command it leads to. The real dumps of suggestions are the desktop's SuggestionRealCriuTest.
 */
class PlanSuggestCommandTest {
    private static int exit;

    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            exit = AtlasCommand.commandLine(args).execute(args);
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void suggestionsAsJson() throws Exception {
        TopologySpec spec = new TopologySpec().process("parent").process("worker", "parent")
                .socketpair("sp", SocketType.STREAM, "parent", "worker");
        try (Topology t = Topology.start(spec)) {
            int worker = t.pid("worker"), parent = t.pid("parent");
            long ours = t.inode("sp", "worker");
            String json = run("plan", "--pid", String.valueOf(worker), "--suggest", "--json");
            System.out.println(json);
            JsonNode all = new ObjectMapper().readTree(json);
            assertEquals(0, exit, "a suggestion makes it dump");
            assertEquals(1, all.size());
            JsonNode r = all.get(0);
            assertEquals(1, r.path("version").asInt());
            assertEquals(worker, r.path("root").asInt());
            assertFalse(r.path("alreadyDumps").asBoolean());
            List<Integer> roots = new ArrayList<>();
            JsonNode external = null;
            for (JsonNode s : r.path("suggestions")) {
                roots.add(s.path("root").asInt());
                assertTrue(s.path("outcome").asText().startsWith("DUMPS"), s.toString());
                assertTrue(s.path("command").get(0).asText().equals("dump"), s.toString());
                for (String f : new String[] {"size", "changes", "cost", "external", "shellJob", "extUnixSk", "inheritAtRestore",
                        "restoreObligations"}) assertTrue(s.has(f), "field " + f);
                if (s.path("root").asInt() == worker && s.path("external").size() == 1) external = s;
            }
            assertEquals(parent, roots.get(0), "pulling the parent in costs nothing at restore: offered first");
            assertEquals("DUMP_FROM", r.path("suggestions").get(0).path("changes").get(0).path("kind").asText());
            assertNotNull(external, "marking our end external is offered too");
            assertEquals("unix[" + ours + "]", external.path("external").get(0).asText());
            assertTrue(external.path("changes").toString().contains("MARK_EXTERNAL"), external.toString());
            assertTrue(external.path("cost").path("obligations").asInt() >= 1, "a replacement must be handed in: " + external);

            String text = run("plan", "--pid", String.valueOf(worker), "--suggest");
            assertEquals(0, exit);
            System.out.println(text);
            assertTrue(text.contains("way(s) to make the dump succeed") && text.contains("--external unix[" + ours + "]"), text);
        }
    }
}
