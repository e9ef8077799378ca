package org.criuatlas.json;

import org.criuatlas.plan.Crossing;
import org.criuatlas.plan.CriuError;
import org.criuatlas.plan.DumpCommand;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.plan.Fix;
import org.criuatlas.plan.ObjectVerdict;
import org.criuatlas.plan.PlanCheck;
import org.criuatlas.plan.PlanReport;
import org.criuatlas.plan.PlanSet;
import org.criuatlas.plan.Prediction;

import java.util.List;

/**
 * {@code criu-atlas plan --json}: every planned dump, its crossings with their predictions and fixes,
 * the restore obligations and the exact command (docs/json.md, section plan). Inodes, holders,
 * obligations and CRIU error kinds have the same names and types as in scan, show and dump.
 */
public record PlanJson(int schema, String command, boolean willSucceed, int commonAncestor, List<Check> selection, List<Plan> plans) {
    /** One dump: {@code outcome} is DUMPS, DUMPS_BREAKS_AT_RESTORE, DUMP_FAILS or UNKNOWN. */
    public record Plan(int root, String rootCommand, List<Integer> dumped, String outcome, boolean willSucceed, Error firstError,
                       List<String> reasons, List<String> warnings, List<Check> checks, List<CrossingJson> crossings, Options options,
                       List<String> criuCommand, List<ObligationJson> restoreObligations, List<ObjectJson> objects, String basis) {}

    /**
     * An object CRIU checks one by one (an inet/packet/netlink socket, a lock, a file, SysV IPC, an anon inode,
     * a namespace, a process state): {@code kind} as the calibration names it, {@code basis} RULE, CALIBRATED or
     * CANNOT_TELL with {@code basisText} saying which CRIU and kernel; {@code fd} null for a process-wide object.
     */
    public record ObjectJson(String kind, String group, String object, int pid, Integer fd, PredictionJson withoutHelp,
                             List<FixJson> fixes, PredictionJson withDecisions, String basis, String basisText, boolean overruled,
                             List<String> notes) {
        static ObjectJson of(ObjectVerdict v) {
            return new ObjectJson(v.kind(), v.group(), v.object(), v.pid(), v.fd() >= 0 ? v.fd() : null, PredictionJson.of(v.withoutHelp()),
                    v.fixes().stream().map(FixJson::of).toList(), PredictionJson.of(v.withDecisions()), v.basis().name(), v.basisText(),
                    v.overruled(), v.notes());
        }
    }

    /** The options the dump would run with. */
    public record Options(int pid, boolean shellJob, boolean extUnixSk, List<String> external, boolean tcpEstablished, boolean tcpClose,
                          boolean skipInFlight, boolean fileLocks, boolean linkRemap, long ghostLimit) {}

    /** A check of the selection or of the tree as a whole (session, terminal, pipes...). */
    public record Check(String kind, int pid, String outcome, Error error, String message) {
        static Check of(PlanCheck c) {
            return new Check(c.kind().name(), c.pid(), c.prediction().outcome().name(), Error.of(c.prediction().error()), c.message());
        }
    }

    /** The error line CRIU would print: {@code kind} from the same vocabulary as dump's diagnoses. */
    public record Error(String kind, String line) {
        static Error of(CriuError e) {
            return e == null ? null : new Error(e.kind().name(), e.line());
        }
    }

    /** What CRIU does with a crossing, without help or with the current decisions. */
    public record PredictionJson(String outcome, Error error, String why) {
        static PredictionJson of(Prediction p) {
            return new PredictionJson(p.outcome().name(), Error.of(p.error()), p.why());
        }
    }

    /** A fix: {@code newRoot} set only for "pull the peer in" (dump from that process instead). */
    public record FixJson(String kind, boolean works, String title, String consequence, Integer newRoot) {
        static FixJson of(Fix f) {
            return new FixJson(f.kind().name(), f.works(), f.title(), f.consequence(), f.newRoot() != 0 ? f.newRoot() : null);
        }
    }

    /**
     * A connection leaving the tree: {@code key} is the inside object's CRIU key, {@code ourIno} its inode,
     * {@code outsideIno} the peer's; names as in scan (null when unbound).
     */
    public record CrossingJson(String kind, String label, String key, long ourIno, long outsideIno, String socketType, String ourName,
                               String peerName, List<GraphJson.HolderJson> inside, List<GraphJson.HolderJson> outside,
                               boolean ownerVisible, PredictionJson withoutHelp, List<FixJson> fixes, PredictionJson withDecisions,
                               ObligationJson restoreObligation, List<String> notes) {
        static CrossingJson of(Crossing c) {
            return new CrossingJson(c.kind().name(), c.kind().label, c.key(), c.ourIno(), c.outsideIno(),
                    c.socketType() == null ? null : c.socketType().label(), GraphJson.name(c.ourName()), GraphJson.name(c.peerName()),
                    GraphJson.HolderJson.of(c.insideHolders()), GraphJson.HolderJson.of(c.outsideHolders()), c.ownerVisible(),
                    PredictionJson.of(c.withoutHelp()), c.fixes().stream().map(FixJson::of).toList(), PredictionJson.of(c.withDecisions()),
                    c.obligation() == null ? null : ObligationJson.of(c.obligation()), c.notes());
        }
    }

    public static PlanJson of(PlanSet set) {
        return new PlanJson(Json.SCHEMA_VERSION, "plan", set.willSucceed(), set.commonAncestor(),
                set.selectionChecks().stream().map(Check::of).toList(), set.plans().stream().map(PlanJson::plan).toList());
    }

    private static Plan plan(DumpPlan p) {
        return new Plan(p.root(), p.rootCommand(), p.dumped(), p.outcome().name(), p.willSucceed(), Error.of(p.firstError()), p.reasons(),
                p.warnings(), p.checks().stream().map(Check::of).toList(), p.crossings().stream().map(CrossingJson::of).toList(),
                new Options(p.options().pid(), p.options().shellJob(), p.options().extUnixSk(), p.options().external(),
                        p.options().tcpEstablished(), p.options().tcpClose(), p.options().tcpSkipInFlight(), p.options().fileLocks(),
                        p.options().linkRemap(), p.options().ghostLimit()),
                DumpCommand.args(p.options().withLogLevel(4), PlanReport.IMAGES_PLACEHOLDER), ObligationJson.of(p.obligations()),
                p.objects().stream().map(ObjectJson::of).toList(), p.basis());
    }
}
