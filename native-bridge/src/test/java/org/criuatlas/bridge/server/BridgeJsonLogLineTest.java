package org.criuatlas.bridge.server;

import org.criuatlas.bridge.criu.CriuEvent;
import org.criuatlas.bridge.criu.log.CriuLogLine;
import org.criuatlas.bridge.criu.log.CriuLogParser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * CRIU's log lines cross the bridge (a dump's events, a failed run's diagnoses): each as its number and
 * text, parsed again on arrival into the same line, including the form an older bridge wrote.
 */
class BridgeJsonLogLineTest {
    static final List<String> LINES = List.of(
            "(00.012345) 12345: fdinfo: type: 0x 1 flags: 02100002/0 pos: 0 fd: 3",
            "(00.100200) Error (criu/sk-unix.c:1287): unix: Can't dump half of stream unix connection [socket:[4711]]",
            "(01.000001) Warn  (criu/cr-restore.c:88): pie: 77: something",
            "no timestamp at all\r");

    @Test
    void aLogLineEventComesBackEqual() throws IOException {
        int n = 40;
        for (String raw : LINES) {
            CriuLogLine line = CriuLogParser.parseLine(++n, raw);
            CriuEvent.LogLine ev = new CriuEvent.LogLine(line, Instant.parse("2026-12-06T22:35:02.575662958Z"));
            byte[] json = BridgeJson.write(ev);
            CriuEvent back = BridgeJson.read(json, CriuEvent.class);
            assertEquals(ev, back, new String(json, StandardCharsets.UTF_8));
            CriuLogLine got = ((CriuEvent.LogLine) back).line();
            assertEquals(line.level(), got.level());
            assertEquals(line.taskPid(), got.taskPid());
            assertEquals(line.inodes(), got.inodes());
        }
    }

    @Test
    void theFormAnOlderBridgeWroteIsReadToo() throws IOException {
        String old = "{\"number\":17,\"time\":\"PT0.012345S\",\"taskPid\":null,\"pie\":false,\"level\":\"INFO\",\"sourceFile\":null,"
                + "\"sourceLine\":0,\"message\":\"12345: fdinfo: fd: 3\",\"raw\":\"(00.012345) 12345: fdinfo: fd: 3\",\"inodes\":null,\"pids\":null}";
        CriuLogLine got = BridgeJson.read(old.getBytes(StandardCharsets.UTF_8), CriuLogLine.class);
        assertEquals(CriuLogParser.parseLine(17, "(00.012345) 12345: fdinfo: fd: 3"), got);
        assertThrows(IOException.class, () -> BridgeJson.read("{\"number\":3}".getBytes(StandardCharsets.UTF_8), CriuLogLine.class),
                "a line without its text");
    }
}
