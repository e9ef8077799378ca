package org.criuatlas.ui.dump;

import org.criuatlas.bridge.criu.CriuEvent;
import org.criuatlas.bridge.criu.CriuException;
import org.criuatlas.bridge.criu.CriuListener;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.criu.CriuResult;
import org.criuatlas.bridge.criu.log.CriuDiagnoser;
import org.criuatlas.bridge.criu.log.CriuDiagnosis;
import org.criuatlas.bridge.criu.log.CriuLogLine;
import org.criuatlas.bridge.criu.log.CriuLogParser;
import org.criuatlas.host.DumpRunner;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.plan.Outcome;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Test doubles for the dump view-model: a scripted runner and plans built by hand. */
final class FakeDump {
    private FakeDump() {}

    static DumpPlan plan(int root, CriuOptions options) {
        return new DumpPlan(root, "worker", List.of(root), List.of(), List.of(), options.withPid(root), List.of(),
                Outcome.DUMPS, null, List.of(), List.of());
    }

    /** A real CRIU 4.1.1 log from the bridge's fixtures. */
    static String realLog(String name) {
        try (InputStream in = FakeDump.class.getResourceAsStream("/criu-logs/" + name)) {
            if (in == null) throw new IllegalStateException("missing fixture " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Replays a log as events, then returns the result {@code finish} makes of the options. */
    static final class ScriptedRunner implements DumpRunner {
        final List<CriuOptions> started = new ArrayList<>();
        final Function<CriuOptions, Script> scripts;

        ScriptedRunner(Function<CriuOptions, Script> scripts) {
            this.scripts = scripts;
        }

        @Override
        public Running start(CriuOptions options, CriuListener listener) {
            started.add(options);
            Script s = scripts.apply(options);
            return new Running() {
                final CountDownLatch cancelled = new CountDownLatch(1);

                @Override
                public CriuResult await() {
                    Instant t = Instant.now();
                    for (String st : s.stages) listener.onEvent(new CriuEvent.Stage(st, null, t = t.plusMillis(10)));
                    for (CriuLogLine l : s.lines) listener.onEvent(new CriuEvent.LogLine(l, t = t.plusMillis(1)));
                    if (s.blockUntilCancel) {
                        try {
                            if (!cancelled.await(20, TimeUnit.SECONDS)) throw new AssertionError("never cancelled");
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                        throw new CriuException.Cancelled("dump", "criu was told to stop and gave up cleanly");
                    }
                    try {
                        if (s.result.success()) Files.deleteIfExists(options.imagesDir().resolve(org.criuatlas.bridge.criu.CriuSession.INCOMPLETE_MARKER));
                        else Files.writeString(options.imagesDir().resolve(org.criuatlas.bridge.criu.CriuSession.INCOMPLETE_MARKER), "x");
                        Files.writeString(options.imagesDir().resolve("dump.log"), String.join("\n", s.lines.stream().map(CriuLogLine::raw).toList()));
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                    listener.onEvent(new CriuEvent.Finished(s.result, t.plusMillis(1)));
                    return s.result;
                }

                @Override
                public void cancel() {
                    cancelled.countDown();
                }
            };
        }
    }

    record Script(List<String> stages, List<CriuLogLine> lines, CriuResult result, boolean blockUntilCancel) {}

    static Script failingWith(String logName) {
        List<CriuLogLine> lines = CriuLogParser.parse(realLog(logName));
        List<CriuDiagnosis> ds = CriuDiagnoser.diagnose(lines, true);
        CriuResult r = new CriuResult("dump", false, null, null, null, null, null, ds,
                List.of(new CriuEvent.Stage("pre-dump", null, Instant.now())), null, List.of(), "exit 1", Duration.ofMillis(40));
        return new Script(List.of("pre-dump"), lines, r, false);
    }

    static Script succeeding() {
        List<CriuLogLine> lines = CriuLogParser.parse("""
                (00.001000) Version: 4.1.1 (gitid 0)
                (00.041952) Seized task 4242, state 1
                (00.043355) Dumping task (pid: 4242 comm: worker)
                (00.050000) Dumping pages (type: 59 pid: 4242)
                (00.060000) Dumping finished successfully
                """);
        var stats = new org.criuatlas.bridge.images.CriuStats(
                new org.criuatlas.bridge.images.CriuStats.Dump(100, 12_345, 1, 1, 300, 0, 77, 0), null);
        CriuResult r = new CriuResult("dump", true, null, null, null, null, stats, List.of(), List.of(), null, List.of(),
                "exit 0", Duration.ofMillis(70));
        return new Script(List.of("pre-dump", "query-ext-files", "post-dump"), lines, r, false);
    }

    static Script blockingUntilCancel() {
        return new Script(List.of("pre-dump"), List.of(), null, true);
    }
}
