package org.criuatlas.ui.demos;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.function.ToLongBiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a trainer tells and shows for one demo, in plain words. Texts may name live values with
 * tokens, filled in while the demo runs: {@code {pid:PROC}} (a process and its pid) and
 * {@code {ino:OBJECT@PROC}} (the inode of PROC's end of OBJECT).
 *
 * @param summary  one or two sentences: what runs and what it is like in real life
 * @param steps    numbered steps the trainer follows in the window, in order
 * @param lookFor  what to point at on the graph and in the plan
 * @param why      why CRIU behaves as it does
 */
public record Lesson(String summary, List<String> steps, String lookFor, String why) {
    private static final Pattern TOKEN = Pattern.compile("\\{(pid|ino):([A-Za-z0-9_.+-]+)(?:@([A-Za-z0-9_.+-]+))?}");

    public Lesson {
        steps = List.copyOf(steps);
    }

    /** Live values for the tokens; null when the demo is not running. */
    public interface Values {
        ToIntFunction<String> pid();

        ToLongBiFunction<String, String> inode();

        static Values of(StartedDemo s) {
            return s == null ? null : new Values() {
                public ToIntFunction<String> pid() { return p -> s.topology().pid(p); }

                public ToLongBiFunction<String, String> inode() { return s::inode; }
            };
        }
    }

    /** {@code text} with its tokens filled in: numbers when running, placeholders like "<worker's inode>" otherwise. */
    public static String render(String text, Values v) {
        Matcher m = TOKEN.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String rep;
            try {
                if (m.group(1).equals("pid")) {
                    rep = v == null ? m.group(2) : m.group(2) + " (pid " + v.pid().applyAsInt(m.group(2)) + ")";
                } else {
                    String proc = m.group(3) == null ? "" : m.group(3);
                    rep = v == null ? "<" + proc + "'s inode>" : Long.toString(v.inode().applyAsLong(m.group(2), proc));
                }
            } catch (RuntimeException unknown) {
                rep = m.group(); // a token naming nothing in this demo stays visible rather than breaking the lesson
            }
            m.appendReplacement(out, Matcher.quoteReplacement(rep));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The steps as "1. ...", "2. ..." lines, tokens filled in from {@code v} (null: placeholders). */
    public List<String> numberedSteps(Values v) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) out.add((i + 1) + ". " + render(steps.get(i), v));
        return List.copyOf(out);
    }

    /** The whole lesson as plain text (for copying or a tooltip). */
    public String text(Values v) {
        return render(summary, v) + "\n\n" + String.join("\n", numberedSteps(v)) + "\n\nWhat to look for: "
                + render(lookFor, v) + "\n\nWhy: " + render(why, v);
    }
}
