package org.criuatlas.bridge.criu;

/** What a {@link CriuSession} asks its criu worker: one RPC request type, with the word criu's log and results name it by. */
public enum CriuRequest {
    VERSION("version"), CHECK("check"), FEATURE_CHECK("feature-check"), DUMP("dump"), RESTORE("restore");

    final String word;

    CriuRequest(String word) { this.word = word; }

    public String word() { return word; }

    /** The log file name used when the options name none. */
    public String defaultLogFile() {
        return word + ".log";
    }
}
