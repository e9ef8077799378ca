package org.criuatlas.host;

import java.nio.file.Path;

/**
 * Whether a folder may receive a dump's images. Only a folder that does not exist yet (created 0700)
 * or an empty one is used; anything else needs the user to choose again.
 *
 * @param folder  the folder asked about (null when none was chosen)
 * @param status  the verdict
 * @param message the verdict in plain words
 */
public record FolderCheck(Path folder, Status status, String message) {
    public enum Status {
        /** No folder chosen. */
        NONE,
        /** Does not exist: it will be created, readable by its owner only (0700). */
        WILL_CREATE,
        /** Exists and is empty. */
        EMPTY,
        /** Exists and holds files: never written into; choose another or use a new sub-folder. */
        NOT_EMPTY,
        /** A file, not a folder, or a path that cannot be used. */
        NOT_USABLE
    }

    public boolean usable() {
        return status == Status.WILL_CREATE || status == Status.EMPTY;
    }

    /** True when the user must choose between another folder and a new sub-folder. */
    public boolean needsChoice() {
        return status == Status.NOT_EMPTY;
    }

    public static final FolderCheck NONE = new FolderCheck(null, Status.NONE, "Choose a new, empty folder for the images.");
}
