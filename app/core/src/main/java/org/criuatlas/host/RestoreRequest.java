package org.criuatlas.host;

import org.criuatlas.plan.restore.RestoreWiringPlan;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A restore as the board asks for it.
 *
 * @param plan        the wiring plan (images, replacements, destinations)
 * @param waitForPids pids a previous attempt found taken: wait until they are free first (empty: restore at once)
 * @param waitAtMost  how long to wait for them
 * @param trustConfirmed the user read why the trust gate refused the images folder and goes on anyway
 * @param stagesOnly  the caller shows steps and CRIU's stages, not its log while it runs (the restore board: its log
 *                    lens reads the log afterwards, {@link Host#readLog}); CRIU's log lines are then not sent as events,
 *                    which through a bridge spares both sides a frame and a parse per line while criu restores (the
 *                    log file keeps every line either way)
 */
public record RestoreRequest(RestoreWiringPlan plan, List<Integer> waitForPids, Duration waitAtMost, boolean trustConfirmed,
                             boolean stagesOnly) {
    public RestoreRequest {
        Objects.requireNonNull(plan, "plan");
        waitForPids = List.copyOf(waitForPids == null ? List.of() : waitForPids);
        waitAtMost = waitAtMost == null ? Duration.ZERO : waitAtMost;
    }

    public RestoreRequest(RestoreWiringPlan plan, List<Integer> waitForPids, Duration waitAtMost) {
        this(plan, waitForPids, waitAtMost, false, false);
    }

    public static RestoreRequest now(RestoreWiringPlan plan) {
        return new RestoreRequest(plan, List.of(), Duration.ZERO);
    }

    /** This request with the user's go-ahead past the trust gate. */
    public RestoreRequest trusted() {
        return new RestoreRequest(plan, waitForPids, waitAtMost, true, stagesOnly);
    }

    /** This request for a caller that shows steps and stages only: no event per line of CRIU's log. */
    public RestoreRequest withStagesOnly() {
        return new RestoreRequest(plan, waitForPids, waitAtMost, trustConfirmed, true);
    }
}
