package org.criuatlas.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProcessInfoTest {
    private static ProcessInfo withCmdline(List<String> argv) {
        return new ProcessInfo(10, 1, "python3", argv, 0, 'S', 10, 10, 0, 0, List.of(), true);
    }

    @Test
    void commandTextIsOneLine() {
        assertEquals("python3 -c import os \u21b5 print(1)\t".replace('\t', ' '),
                withCmdline(List.of("python3", "-c", "import os\nprint(1)\t")).commandText());
    }

    @Test
    void unknownCommandLineShowsComm() {
        assertEquals("[python3]", withCmdline(List.of()).commandText());
    }
}
