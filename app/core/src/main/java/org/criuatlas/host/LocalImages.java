package org.criuatlas.host;

import org.criuatlas.bridge.images.ImageDump;
import org.criuatlas.bridge.images.ImageFormatException;
import org.criuatlas.bridge.images.ImageReader;
import org.criuatlas.plan.restore.RestorePreviewer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/** Dumps and files on this machine's disk as {@link LocalHost} reads them: images to open, files a restore reopens. */
final class LocalImages {
    private LocalImages() {}

    /** {@link LocalHost#openImages}: an images folder, or a container checkpoint archive read in place. */
    static OpenedImages open(Path dir) throws ImageFormatException {
        if (Files.isRegularFile(dir)) {
            // a container checkpoint archive (podman --export, CRI-O/kubelet): read in place, never extracted
            ImageDump d = org.criuatlas.bridge.archive.ArchiveReader.open(dir).dump();
            Instant at = null;
            try {
                at = Files.getLastModifiedTime(dir).toInstant();
            } catch (IOException | SecurityException e) {
                // the date stays unknown
            }
            return new OpenedImages(d, at, true);
        }
        ImageDump d = ImageReader.open(dir);
        Instant at = null;
        for (String f : new String[]{"stats-dump", "inventory.img"}) {
            try {
                at = Files.getLastModifiedTime(dir.resolve(f)).toInstant();
                break;
            } catch (IOException | SecurityException e) {
                // not there or not readable: try the next one, else the date stays unknown
            }
        }
        return new OpenedImages(d, at, false);
    }

    /** The ELF build-id of the regular file at {@code path} now (following links, as CRIU's reopen does); null when none or unreadable. */
    static String buildId(String path) {
        try {
            return org.criuatlas.bridge.images.ElfBuildId.of(Path.of(path), true).orElse(null);
        } catch (IOException | org.criuatlas.bridge.images.ImageFormatException | RuntimeException e) {
            return null;
        }
    }

    /** The file at {@code path} now, following symlinks as CRIU's reopen does. */
    static RestorePreviewer.LiveFile liveFile(String path) {
        try {
            Path p = Path.of(path);
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,size,lastModifiedTime");
            int mode = (Integer) a.get("mode");
            int fmt = mode & 0170000;
            return new RestorePreviewer.LiveFile(true, fmt == 0140000, fmt == 0100000, (Long) a.get("size"),
                    ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).toInstant());
        } catch (java.nio.file.NoSuchFileException | java.nio.file.InvalidPathException e) {
            return RestorePreviewer.LiveFile.MISSING;
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            // there but not readable: present, nothing more known
            return new RestorePreviewer.LiveFile(true, false, false, -1, null);
        }
    }
}
