package org.criuatlas.model;

/** Access mode of an open file description (O_ACCMODE of its flags). */
public enum AccessMode {
    READ, WRITE, READ_WRITE, UNKNOWN;

    /** From the open(2) flags word; {@code flags < 0} means unknown. */
    public static AccessMode fromFlags(long flags) {
        if (flags < 0) return UNKNOWN;
        return switch ((int) (flags & 3)) {
            case 0 -> READ;
            case 1 -> WRITE;
            case 2 -> READ_WRITE;
            default -> UNKNOWN;
        };
    }

    public boolean canRead() { return this == READ || this == READ_WRITE; }

    public boolean canWrite() { return this == WRITE || this == READ_WRITE; }
}
