package org.criuatlas.bridge.criu;

/** CRIU's version as its VERSION reply gives it; gitid only for non-release builds. */
public record CriuVersion(int major, int minor, int sublevel, String gitid) {
    @Override
    public String toString() {
        return major + "." + minor + (sublevel != 0 ? "." + sublevel : "") + (gitid != null ? " (" + gitid + ")" : "");
    }
}
