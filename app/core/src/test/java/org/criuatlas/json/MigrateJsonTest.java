package org.criuatlas.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.criuatlas.host.migrate.MigrationEvent.Stage;
import org.criuatlas.host.migrate.MigrationOutcome;
import org.criuatlas.host.migrate.Preflight;
import org.criuatlas.host.migrate.Preflight.Check;
import org.criuatlas.host.migrate.Preflight.Finding;
import org.criuatlas.host.migrate.Preflight.Severity;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@code migrate --json}: each outcome has exactly the fields docs/json.md lists for it, in that order. */
class MigrateJsonTest {
    private static final Preflight BLOCKED = new Preflight("here", "there", false, List.of(
            new Finding(Check.CRIU, Severity.OK, "/usr/sbin/criu", "CRIU 4.2 on there"),
            new Finding(Check.PIDS, Severity.BLOCKS, "pid 42", "pid 42 is in use on there")));

    @Test
    void eachOutcomeHasItsDocumentedFields() throws Exception {
        Map<Stage, Duration> took = new LinkedHashMap<>();
        took.put(Stage.PREFLIGHT, Duration.ofMillis(12));
        took.put(Stage.DUMP, Duration.ofMillis(340));
        JsonNode moved = read(MigrateJson.of(new MigrationOutcome.Moved(BLOCKED, Path.of("/a"), Path.of("/b"), 42, List.of(42, 43), 1000, 7,
                null, took), "here", "there"));
        assertEquals(List.of("schema", "command", "from", "to", "outcome", "preflight", "sourceImages", "targetImages", "rootPid", "pids",
                "bytes", "files", "millis", "keptEnds"), names(moved));
        assertEquals("moved", moved.get("outcome").asText());
        assertEquals(340, moved.get("millis").get("dump").asLong());
        assertEquals(2, moved.get("pids").size());
        assertEquals(0, moved.get("keptEnds").size());

        JsonNode refused = read(MigrateJson.of(new MigrationOutcome.Refused(BLOCKED), "here", "there"));
        assertEquals(List.of("schema", "command", "from", "to", "outcome", "preflight"), names(refused));
        JsonNode pf = refused.get("preflight");
        assertEquals(List.of("source", "target", "sameMachine", "blocked", "findings"), names(pf));
        assertTrue(pf.get("blocked").asBoolean());
        JsonNode finding = pf.get("findings").get(1);
        assertEquals("pids", finding.get("check").asText());
        assertEquals("blocks", finding.get("severity").asText());
        assertEquals("pid 42", finding.get("subject").asText());

        JsonNode failed = read(MigrateJson.of(new MigrationOutcome.Failed(Stage.TRANSFER, "the link broke", Path.of("/a"), null, false),
                "here", "there"));
        assertEquals(List.of("schema", "command", "from", "to", "outcome", "stage", "why", "sourceImages", "targetImages", "sourceRunning"),
                names(failed));
        assertEquals("transfer", failed.get("stage").asText());
        assertTrue(failed.get("targetImages").isNull(), "no images on the target: null, as documented");

        JsonNode cancelled = read(MigrateJson.of(new MigrationOutcome.Cancelled(Stage.PREFLIGHT, null, null, true), "here", "there"));
        assertEquals(List.of("schema", "command", "from", "to", "outcome", "stage", "sourceImages", "targetImages", "sourceRunning"),
                names(cancelled));
        assertTrue(cancelled.get("sourceRunning").asBoolean());
        for (JsonNode d : List.of(moved, refused, failed, cancelled)) {
            assertEquals(Json.SCHEMA_VERSION, d.get("schema").asInt());
            assertEquals("migrate", d.get("command").asText());
        }
    }

    @Test
    void thePreflightAloneIsInTheEnvelope() throws Exception {
        JsonNode d = read(MigrateJson.PreflightDocument.of(BLOCKED));
        assertEquals(List.of("schema", "command", "source", "target", "sameMachine", "blocked", "findings"), names(d));
        assertEquals("criu", d.get("findings").get(0).get("check").asText());
    }

    private static JsonNode read(Object doc) throws Exception {
        return new ObjectMapper().readTree(Json.write(doc));
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
