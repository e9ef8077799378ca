package org.criuatlas.ui.demos;

import org.criuatlas.model.RestoreObligation;
import org.criuatlas.plan.CriuError;
import org.criuatlas.plan.CrossingKind;
import org.criuatlas.plan.Fix;
import org.criuatlas.plan.Outcome;

/**
 * One connection that leaves a demo's tree, as its lesson describes it. The object and the process
 * holding it inside name the end by the topology's words, so the real inode is looked up at run time.
 *
 * @param kind           the crossing the planner must find
 * @param object         the topology object (socketpair, connect, pipe name)
 * @param insideProcess  the process inside the dump that holds our end
 * @param withoutHelp    what CRIU does with no option
 * @param error          the error CRIU prints without help, null when it dumps
 * @param fix            the fix the lesson teaches
 * @param afterFix       what CRIU does once the fix is applied
 * @param obligation     what the restore must then be given, null for nothing
 */
public record ExpectedCrossing(CrossingKind kind, String object, String insideProcess, Outcome withoutHelp,
                               CriuError.Kind error, Fix.Kind fix, Outcome afterFix, RestoreObligation.Kind obligation) {
}
