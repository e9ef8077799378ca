package org.criuatlas.host;

import java.util.Objects;

/**
 * One file of a dump's image folder as a transfer between hosts sees it.
 *
 * @param name   its name in the folder (image folders are flat)
 * @param size   bytes
 * @param sha256 its SHA-256 in lower-case hex, as the source read it
 */
public record ImageFile(String name, long size, String sha256) {
    public ImageFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sha256, "sha256");
    }
}
