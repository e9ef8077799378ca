package org.criuatlas.host;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.criuatlas.bridge.server.BridgeJson;
import org.criuatlas.plan.restore.WiringFixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A restore request as the bridge reads it: what the board asks for survives the trip, and an older client's request still reads. */
class RestoreRequestJsonTest {

    @Test
    void stagesOnlyAndTrustSurviveTheTripAndAnOlderClientsRequestStreamsTheLog() throws Exception {
        RestoreRequest asked = new RestoreRequest(WiringFixtures.plan(), List.of(7, 8), Duration.ofSeconds(30)).withStagesOnly().trusted();
        RestoreRequest read = BridgeJson.read(BridgeJson.write(asked), RestoreRequest.class);
        assertTrue(read.stagesOnly());
        assertTrue(read.trustConfirmed(), "trusted() keeps stagesOnly and stagesOnly keeps the trust");
        assertEquals(List.of(7, 8), read.waitForPids());
        assertEquals(Duration.ofSeconds(30), read.waitAtMost());

        // a client from before the field: its request has none, and it gets every log line as before
        ObjectNode old = (ObjectNode) new ObjectMapper().readTree(BridgeJson.write(RestoreRequest.now(WiringFixtures.plan())));
        assertNotNull(old.remove("stagesOnly"), "the field is written: " + old.fieldNames());
        RestoreRequest older = BridgeJson.read(new ObjectMapper().writeValueAsBytes(old), RestoreRequest.class);
        assertFalse(older.stagesOnly());
        assertFalse(RestoreRequest.now(WiringFixtures.plan()).stagesOnly(), "log lines are sent unless asked otherwise");
    }
}
