package org.criuatlas.ui;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The remembered hosts: newest first, once each, bounded, only destinations ssh would take, written whole. */
class HostListTest {
    @TempDir Path dir;

    @Test
    void newestFirstOnceEachAndBounded() throws Exception {
        HostList l = new HostList(dir.resolve("state").resolve("hosts"));
        assertEquals(List.of(), l.load(), "no file yet: nothing remembered");
        l.remember("root@a");
        l.remember("b");
        assertEquals(List.of("root@a", "b"), l.remember("root@a"), "connecting again moves it first, once");
        assertEquals(List.of("root@a", "b"), Files.readAllLines(l.file()), "the file says the same, one per line");
        for (int i = 0; i < HostList.LIMIT + 5; i++) l.remember("h" + i);
        List<String> all = l.load();
        assertEquals(HostList.LIMIT, all.size());
        assertEquals("h" + (HostList.LIMIT + 4), all.get(0));
        assertEquals(List.of(), Files.list(l.file().getParent()).filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(),
                "no temporary file left behind");
    }

    @Test
    void linesSshWouldNotTakeAreSkippedAndForgetRemovesOne() throws Exception {
        Path f = dir.resolve("hosts");
        Files.writeString(f, "# my hosts\nroot@a\n-oProxyCommand=touch /tmp/x\ntwo words\n\nb\nroot@a\n");
        HostList l = new HostList(f);
        assertEquals(List.of("root@a", "b"), l.load());
        assertEquals(List.of("b"), l.forget("root@a"));
        assertEquals(List.of("b"), l.load());
        assertThrows(IllegalArgumentException.class, () -> l.remember("-F/etc/passwd"));
        assertEquals(List.of("b"), l.load(), "a refused destination is not written");
    }
}
