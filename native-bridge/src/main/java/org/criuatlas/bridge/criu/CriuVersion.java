package org.criuatlas.bridge.criu;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** CRIU's version as its VERSION reply gives it; gitid only for non-release builds. Ordered by number. */
public record CriuVersion(int major, int minor, int sublevel, String gitid) implements Comparable<CriuVersion> {
    private static final Pattern VERSION_LINE = Pattern.compile("(?m)^Version:\\s*(\\d+)\\.(\\d+)(?:\\.(\\d+))?");
    private static final Pattern GIT_LINE = Pattern.compile("(?m)^GitID:\\s*(\\S+)");
    private static final Pattern DOTTED = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    /** From {@code criu --version} output ("Version: 4.2.1", optionally "GitID: ..."); null if absent. */
    public static CriuVersion parseVersionOutput(String out) {
        Matcher m = VERSION_LINE.matcher(out);
        if (!m.find()) return null;
        Matcher g = GIT_LINE.matcher(out);
        return new CriuVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), g.find() ? g.group(1) : null);
    }

    /** "4.2.1" or "4.2"; throws IllegalArgumentException otherwise. */
    public static CriuVersion parse(String dotted) {
        Matcher m = DOTTED.matcher(dotted.strip());
        if (!m.matches()) throw new IllegalArgumentException("not a CRIU version: '" + dotted + "'");
        return new CriuVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), null);
    }

    /** Always three numbers ("4.2.0"), for keys and file names. */
    public String numbers() {
        return major + "." + minor + "." + sublevel;
    }

    @Override
    public int compareTo(CriuVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) c = Integer.compare(minor, o.minor);
        if (c == 0) c = Integer.compare(sublevel, o.sublevel);
        return c;
    }

    @Override
    public String toString() {
        return major + "." + minor + (sublevel != 0 ? "." + sublevel : "") + (gitid != null ? " (" + gitid + ")" : "");
    }
}
