package org.criuatlas.ui.demos;

import org.criuatlas.bridge.topo.TopologySpec;

import java.util.function.Supplier;

/**
 * One training demo: real processes built by the topology builder, the lesson shown beside the
 * graph, the process to plan the dump from, and what the plan must say.
 *
 * @param number       1-based position in the Demos menu
 * @param id           a stable short name (used in ids and temp dir names)
 * @param title        menu and heading text
 * @param lesson       what the trainer tells and shows
 * @param rootProcess  the topology process to select and plan from
 * @param expected     the plan the lesson promises
 * @param spec         builds a fresh spec for each run (socket files go to the run's own 0700 directory)
 */
public record Demo(int number, String id, String title, Lesson lesson, String rootProcess, ExpectedPlan expected,
                   Supplier<TopologySpec> spec) {

    /** "1. The seed case: ..." as in the menu. */
    public String menuText() {
        return number + ". " + title;
    }

    @Override
    public String toString() {
        return menuText();
    }
}
