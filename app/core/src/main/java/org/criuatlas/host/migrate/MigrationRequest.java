package org.criuatlas.host.migrate;

import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.host.Host;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.plan.DumpPlan;
import org.criuatlas.plan.restore.RestoreWiringPlan;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A move of one planned tree from {@code source} to {@code target}.
 *
 * @param graph        the source's live graph the plan was made from
 * @param plan         the dump plan (it must succeed)
 * @param options      criu's dump options: the plan's, with the person's settings (e.g. leave running)
 * @param sourceParent where the dump's folder goes on the source (null: that host's default dumps folder)
 * @param targetParent where the received folder goes on the target (null: that host's default)
 * @param wiring       how the restore on the target wires what the images need (given the default wiring plan)
 * @param pidWait      how long the restore may wait for the tree's pids to be freed (one machine: the dumped tree's end)
 */
public record MigrationRequest(Host source, String sourceName, Host target, String targetName, IpcGraph graph, DumpPlan plan,
                               CriuOptions options, Path sourceParent, Path targetParent, UnaryOperator<RestoreWiringPlan> wiring,
                               Duration pidWait) {
    public MigrationRequest {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(plan, "plan");
        options = options == null ? plan.options() : options;
        wiring = wiring == null ? UnaryOperator.identity() : wiring;
        pidWait = pidWait == null ? Duration.ofSeconds(30) : pidWait;
    }

    /** The plan's own options, default folders and wiring. */
    public static MigrationRequest of(Host source, String sourceName, Host target, String targetName, IpcGraph graph, DumpPlan plan) {
        return new MigrationRequest(source, sourceName, target, targetName, graph, plan, null, null, null, null, null);
    }

    public MigrationRequest withFolders(Path onSource, Path onTarget) {
        return new MigrationRequest(source, sourceName, target, targetName, graph, plan, options, onSource, onTarget, wiring, pidWait);
    }

    public MigrationRequest withOptions(CriuOptions o) {
        return new MigrationRequest(source, sourceName, target, targetName, graph, plan, o, sourceParent, targetParent, wiring, pidWait);
    }

    public MigrationRequest withWiring(UnaryOperator<RestoreWiringPlan> w) {
        return new MigrationRequest(source, sourceName, target, targetName, graph, plan, options, sourceParent, targetParent, w, pidWait);
    }
}
