package org.criuatlas.json;

import org.criuatlas.host.KeptEnd;
import org.criuatlas.host.migrate.MigrationOutcome;
import org.criuatlas.host.migrate.Preflight;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code criu-atlas migrate --json} (docs/json.md, section migrate): one record per outcome
 * ({@code moved}, {@code refused}, {@code failed}, {@code cancelled}), each with the fields that
 * outcome has; the image folders of a failed or cancelled move are null when there are none.
 */
public sealed interface MigrateJson permits MigrateJson.Moved, MigrateJson.Refused, MigrateJson.Failed, MigrateJson.Cancelled {
    /** The tree runs on the target; its images are kept on both hosts. {@code millis} per stage. */
    record Moved(int schema, String command, String from, String to, String outcome, PreflightJson preflight, String sourceImages,
                 String targetImages, int rootPid, List<Integer> pids, long bytes, int files, Map<String, Long> millis,
                 List<String> keptEnds) implements MigrateJson {}

    /** The preflight found what blocks the move: nothing was done. */
    record Refused(int schema, String command, String from, String to, String outcome, PreflightJson preflight) implements MigrateJson {}

    /** A stage failed; where the images are (null: none) and whether the tree still runs on the source. */
    record Failed(int schema, String command, String from, String to, String outcome, String stage, String why, String sourceImages,
                  String targetImages, boolean sourceRunning) implements MigrateJson {}

    /** Cancelled during {@code stage}; as for a failure, without the why. */
    record Cancelled(int schema, String command, String from, String to, String outcome, String stage, String sourceImages,
                     String targetImages, boolean sourceRunning) implements MigrateJson {}

    /** A preflight: where from, where to, one boot id or not, whether anything blocks, every finding. */
    public record PreflightJson(String source, String target, boolean sameMachine, boolean blocked, List<FindingJson> findings) {
        public static PreflightJson of(Preflight p) {
            return new PreflightJson(p.source(), p.target(), p.sameMachine(), p.blocked(), p.findings().stream()
                    .map(f -> new FindingJson(GraphJson.label(f.check()), GraphJson.label(f.severity()), f.subject(), f.text())).toList());
        }
    }

    /** One finding: {@code check} (criu, plan, pids, files, mapped, sockets, wiring), {@code severity} (ok, warns, blocks). */
    public record FindingJson(String check, String severity, String subject, String text) {}

    /** {@code migrate --preflight --json}: the preflight alone, in the envelope. */
    public record PreflightDocument(int schema, String command, String source, String target, boolean sameMachine, boolean blocked,
                                    List<FindingJson> findings) {
        public static PreflightDocument of(Preflight p) {
            PreflightJson j = PreflightJson.of(p);
            return new PreflightDocument(Json.SCHEMA_VERSION, "migrate", j.source(), j.target(), j.sameMachine(), j.blocked(), j.findings());
        }
    }

    /** The document for {@code o}, a move from {@code from} to {@code to}. */
    static MigrateJson of(MigrationOutcome o, String from, String to) {
        int v = Json.SCHEMA_VERSION;
        if (o instanceof MigrationOutcome.Moved x) {
            Map<String, Long> took = new LinkedHashMap<>();
            x.took().forEach((s, d) -> took.put(GraphJson.label(s), d.toMillis()));
            List<String> ends = x.wiring() == null ? List.of() : x.wiring().ends().stream().map(KeptEnd::describe).toList();
            return new Moved(v, "migrate", from, to, "moved", PreflightJson.of(x.preflight()), text(x.sourceImages()),
                    text(x.targetImages()), x.rootPid(), List.copyOf(x.pids()), x.bytes(), x.files(), took, ends);
        }
        if (o instanceof MigrationOutcome.Refused r) return new Refused(v, "migrate", from, to, "refused", PreflightJson.of(r.preflight()));
        if (o instanceof MigrationOutcome.Failed f) {
            return new Failed(v, "migrate", from, to, "failed", GraphJson.label(f.stage()), f.why(), text(f.sourceImages()), text(f.targetImages()),
                    f.sourceRunning());
        }
        if (o instanceof MigrationOutcome.Cancelled c) {
            return new Cancelled(v, "migrate", from, to, "cancelled", GraphJson.label(c.stage()), text(c.sourceImages()), text(c.targetImages()),
                    c.sourceRunning());
        }
        throw new IllegalArgumentException("an outcome of migrate this JSON does not know: " + o);
    }

    private static String text(Path p) {
        return p == null ? null : p.toString();
    }

}
