package org.criuatlas.bridge;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

class AtlasVersionTest {
    @Test
    void theVersionIsMavensProjectVersion() {
        String maven = System.getProperty("criuatlas.projectVersion");
        assertNotNull(maven, "surefire passes the project version");
        assertEquals(maven, AtlasVersion.version());
    }
}
