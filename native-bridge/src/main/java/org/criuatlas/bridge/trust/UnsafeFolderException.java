package org.criuatlas.bridge.trust;

import java.io.IOException;
import java.nio.file.Path;

/** An image folder {@link SafeFolders} will not write into, with the reason as a {@link Reason}. */
public final class UnsafeFolderException extends IOException {
    public enum Reason {
        /** The path is a symbolic link (it is never followed). */
        SYMLINK,
        /** Something other than a folder is there. */
        NOT_A_FOLDER,
        /** The folder belongs to another user. */
        FOREIGN_OWNER,
        /** Users other than the owner may write into the folder. */
        WRITABLE_BY_OTHERS,
        /** The incomplete-dump marker's name is taken by a link or something that is not a plain file. */
        MARKER_NOT_A_FILE
    }

    private final Reason reason;
    private final Path path;

    public UnsafeFolderException(Reason reason, Path path, String message) {
        super(message);
        this.reason = reason;
        this.path = path;
    }

    public Reason reason() {
        return reason;
    }

    public Path path() {
        return path;
    }
}
