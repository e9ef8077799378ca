package org.criuatlas.ui.demos;

import org.criuatlas.plan.CriuError;
import org.criuatlas.plan.Outcome;

import java.util.List;

/**
 * What the dump planner must say when planning from a demo's root, as the lesson claims.
 *
 * @param crossings   every connection leaving the tree (exactly these)
 * @param outcome     the plan's verdict with nothing ticked
 * @param firstError  the first error CRIU prints with nothing ticked, null when it dumps
 * @param afterFixes  the verdict once every fix of the lesson is applied
 */
public record ExpectedPlan(List<ExpectedCrossing> crossings, Outcome outcome, CriuError.Kind firstError, Outcome afterFixes) {
    public ExpectedPlan {
        crossings = List.copyOf(crossings);
    }
}
