package org.criuatlas.host;

import java.nio.file.Path;

/**
 * Which CRIU a host uses and what it says about itself: where it is, why that one (the locator's
 * reason: an environment variable, a recorded provisioning, PATH...), its version and the verdict of
 * {@code criu check}. Plain data: a bridge to another host sends it as it is.
 *
 * @param path    the criu binary, null when none was found
 * @param via     why this one ("CRIU_ATLAS_CRIU", "PATH", the provisioning record...), or what to do when none
 * @param version criu's version line without "Version: ", null when unknown
 * @param checkOk {@code criu check} said "Looks good"
 * @param check   the check's verdict in a few words ("looks good", the last error line, "no answer")
 */
public record CriuStatus(Path path, String via, String version, boolean checkOk, String check) {
    /** Before the first look. */
    public static final CriuStatus UNKNOWN = new CriuStatus(null, "not looked for yet", null, false, "not checked yet");

    public boolean found() { return path != null; }

    /** One line for the status bar: "CRIU 4.2 · check: looks good". */
    public String line() {
        if (this == UNKNOWN) return "CRIU: checking\u2026";
        if (!found()) return "CRIU: not found (" + via + ")";
        return "CRIU " + (version == null ? "version unknown" : version) + " \u00b7 check: " + check;
    }

    /** Several lines for the About box: version, which one and why, the check. */
    public String details() {
        if (!found()) return "not found: " + via;
        return (version == null ? "version unknown" : version) + "\n" + path + " (found via " + via + ")\ncheck: " + check;
    }
}
