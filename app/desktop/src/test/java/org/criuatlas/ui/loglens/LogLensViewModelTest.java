package org.criuatlas.ui.loglens;

import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.bridge.criu.log.CriuLogParser;
import org.criuatlas.model.Holder;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.Pipe;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketState;
import org.criuatlas.model.SocketType;
import org.criuatlas.model.UnixSocket;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class LogLensViewModelTest {
    /** The real failed dump of an echo worker holding one end of a socketpair (captured by DumpViewModelCriuTest). */
    static final String REAL = "dump-external-socketpair.log";
    static final long INSIDE = 1194854, OUTSIDE = 1194853;

    static String resource(String name) throws Exception {
        try (InputStream in = LogLensViewModelTest.class.getResourceAsStream("/criu-logs/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A graph that knows the worker's socket, its outside peer, one pipe and process 4242. */
    static IpcGraph graph() {
        var meta = new IpcGraph.Meta(IpcGraph.Source.LIVE, "test", Instant.now(), true, 0);
        var in = new UnixSocket(INSIDE, SocketType.STREAM, SocketState.ESTABLISHED, SocketName.NONE, OUTSIDE, 0, 0, List.of(),
                List.of(new Holder(4242, 3)), false);
        var out = new UnixSocket(OUTSIDE, SocketType.STREAM, SocketState.ESTABLISHED, SocketName.NONE, INSIDE, 0, 0, List.of(),
                List.of(new Holder(1, 9)), false);
        var p = new ProcessInfo(4242, 1, "python3", List.of("python3"), 0, 'S', 4242, 4242, 0, 0, List.of(), true);
        var pipe = new Pipe(777, null, List.of(new Holder(4242, 4)), List.of(), 0);
        return IpcGraph.of(meta, List.of(p), List.of(in, out), List.of(pipe), List.of());
    }

    @Test
    void realFailedDumpDiagnosisAndErrorFilter() throws Exception {
        var vm = new LogLensViewModel(Runnable::run, Runnable::run);
        vm.openText(REAL, resource(REAL));
        assertFalse(vm.loadingProperty().get());
        assertEquals(1036, vm.rows().size());
        assertEquals(1, vm.diagnoses().size(), vm.diagnoses().toString());
        CriuDiagnosis d = vm.diagnoses().get(0);
        assertEquals(CriuDiagnosis.Kind.EXTERNAL_SOCKET_USED, d.kind());
        assertEquals(INSIDE, d.dumpedInode());
        assertTrue(vm.summaryProperty().get().contains("FAILED"), vm.summaryProperty().get());

        vm.errorsOnlyProperty().set(true);
        assertEquals(List.of(68, 1032, 1036), vm.visible().stream().map(LogRow::number).toList());
        assertEquals("criu/sk-unix.c:874", vm.visible().get(1).source());
        assertEquals("Error", vm.visible().get(1).levelText());
        assertEquals("0.172865", vm.visible().get(1).timeText());

        vm.textProperty().set("EXTERNAL socket");
        assertEquals(List.of(1032), vm.visible().stream().map(LogRow::number).toList());
        vm.errorsOnlyProperty().set(false);
        vm.textProperty().set("runaway");
        assertEquals(List.of(1031), vm.visible().stream().map(LogRow::number).toList());
        vm.textProperty().set("");
        vm.showInfoProperty().set(false);
        assertTrue(vm.visible().stream().allMatch(r -> !r.levelText().isEmpty()));
        vm.showInfoProperty().set(true);
        assertEquals(1036, vm.visible().size());
    }

    @Test
    void linksOnlyWithAGraphAndOnlyToItsObjects() throws Exception {
        var vm = new LogLensViewModel(Runnable::run, Runnable::run);
        vm.openText(REAL, resource(REAL));
        LogRow runaway = vm.rows().get(1030);
        assertTrue(runaway.message().startsWith("unix: \tRunaway socket"), runaway.message());
        assertEquals(List.of(), vm.links(runaway), "no graph, no links");

        vm.graphProperty().set(graph());
        List<LogLink> links = vm.links(runaway);
        assertEquals(2, links.size());
        LogLink first = links.get(0), second = links.get(1);
        assertEquals("socket:[" + OUTSIDE + "]", first.objectKey());
        assertEquals("socket:[" + INSIDE + "]", second.objectKey());
        assertEquals(Long.toString(OUTSIDE), runaway.message().substring(first.start(), first.end()));
        assertEquals(Long.toString(INSIDE), runaway.message().substring(second.start(), second.end()));

        List<LogLink> followed = new ArrayList<>();
        vm.linkTargetProperty().set(followed::add);
        vm.follow(second);
        assertEquals(List.of(second), followed);
    }

    @Test
    void linkExtractionKeepsWholeNumbersAndKnowsPipesAndProcesses() {
        IpcGraph g = graph();
        var l = CriuLogParser.parseLine(7, "(00.1) Error (criu/cr-restore.c:1262): 4242 killed by signal 11: Segmentation fault");
        List<LogLink> links = LogLinks.extract(l, g);
        assertEquals(1, links.size());
        assertEquals(LogLink.Kind.PROCESS, links.get(0).kind());
        assertEquals("pid:4242", links.get(0).objectKey());
        assertEquals(0, links.get(0).start());

        var p = CriuLogParser.parseLine(8, "(00.2) Found id pipe:[777] (fd 4) in inherit fd list; 7777 is not it");
        List<LogLink> pl = LogLinks.extract(p, g);
        assertEquals(1, pl.size(), pl.toString());
        assertEquals("pipe:[777]", pl.get(0).objectKey());
        assertEquals("777", p.message().substring(pl.get(0).start(), pl.get(0).end()));
        assertEquals(List.of(), LogLinks.occurrences("12345", "234"));

        var unknown = CriuLogParser.parseLine(9, "unix: Runaway socket: ino 1 peer_ino 2");
        assertEquals(List.of(), LogLinks.extract(unknown, g), "objects the graph does not have are not links");
    }

    @Test
    void bigLogIsParsedOffTheUiThreadAndOnlyPublishedWhenDone() throws Exception {
        StringBuilder b = new StringBuilder();
        String body = resource(REAL);
        int copies = 100_000 / 1036 + 1;
        for (int i = 0; i < copies; i++) b.append(body);
        String big = b.toString();

        ConcurrentLinkedQueue<Runnable> uiQueue = new ConcurrentLinkedQueue<>();
        CountDownLatch parsed = new CountDownLatch(1);
        List<String> bgThread = new ArrayList<>();
        var vm = new LogLensViewModel(r -> new Thread(() -> {
            bgThread.add(Thread.currentThread().getName());
            r.run();
            parsed.countDown();
        }, "lens-bg").start(), uiQueue::add);
        long t0 = System.nanoTime();
        vm.openText("big", big);
        long returned = System.nanoTime() - t0;
        assertTrue(vm.loadingProperty().get());
        assertTrue(parsed.await(60, TimeUnit.SECONDS));
        long parsedAt = System.nanoTime() - t0;
        assertEquals(0, vm.rows().size(), "nothing published before the ui turn");
        for (Runnable r; (r = uiQueue.poll()) != null; ) r.run();
        long t1 = System.nanoTime();
        vm.errorsOnlyProperty().set(true);
        long filterNs = System.nanoTime() - t1;
        assertEquals(copies * 1036, vm.rows().size());
        assertEquals(copies * 3, vm.visible().size());
        assertEquals(List.of("lens-bg"), bgThread);
        System.out.printf("big log: %,d lines; open() returned in %.1f ms; parsed in background in %.0f ms; errors-only filter %.1f ms%n",
                vm.rows().size(), returned / 1e6, parsedAt / 1e6, filterNs / 1e6);
    }
}
