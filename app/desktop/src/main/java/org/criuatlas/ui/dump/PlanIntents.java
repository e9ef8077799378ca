package org.criuatlas.ui.dump;

import org.criuatlas.plan.DumpPlan;

/**
 * Changes to the plan a dump failure's fix asks for. The main window implements it by ticking the
 * key in its plan panel and re-planning; {@link DecisionsPlanIntents} does it on a graph directly.
 * Called on the FX thread; planning is pure and quick.
 */
public interface PlanIntents {
    /** Tick {@code socket:[ourIno]} (the end inside the dump) as external ({@code --external unix[ourIno]}) and re-plan. */
    DumpPlan markExternal(long ourIno);

    /** Dump as a shell job and re-plan. */
    DumpPlan useShellJob();
}
