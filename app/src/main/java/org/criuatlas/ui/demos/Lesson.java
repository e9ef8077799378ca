package org.criuatlas.ui.demos;

import java.util.List;

/**
 * What a trainer tells and shows for one demo, in plain words.
 *
 * @param summary  one or two sentences: what runs and what it is like in real life
 * @param steps    numbered steps the trainer follows in the window, in order
 * @param lookFor  what to point at on the graph and in the plan
 * @param why      why CRIU behaves as it does
 */
public record Lesson(String summary, List<String> steps, String lookFor, String why) {
    public Lesson {
        steps = List.copyOf(steps);
    }

    /** The steps as "1. ...", "2. ..." lines. */
    public List<String> numberedSteps() {
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < steps.size(); i++) out.add((i + 1) + ". " + steps.get(i));
        return List.copyOf(out);
    }
}
