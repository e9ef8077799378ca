package org.criuatlas.bridge.archive;

import org.criuatlas.bridge.images.ImageFile;
import org.criuatlas.bridge.images.ImageFormatException;
import org.criuatlas.bridge.images.ImageFormatException.Kind;
import org.criuatlas.bridge.images.ImageReadControl;
import org.criuatlas.bridge.images.ImageSource;

import java.nio.file.Path;
import java.util.Map;

/**
 * The images of an archive's checkpoint/ folder that the reader kept in memory while streaming the
 * tar, served to {@link org.criuatlas.bridge.images.ImageReader} like a directory. Members that are
 * not regular files (a symlink, a FIFO) are remembered by name so that asking for one is the same
 * typed error as in a directory; an image the stream skipped was not one the reader reads.
 */
final class ArchiveImages implements ImageSource {
    private final Path archive;
    private final Map<String, byte[]> images;
    private final Map<String, String> notRegular;
    private final Map<String, byte[]> topLevel;
    private final int fileCount;

    /**
     * @param images     checkpoint/NAME members kept, by NAME
     * @param notRegular checkpoint/NAME members that are not regular files: NAME to what they are
     * @param topLevel   members outside checkpoint/ that CRIU writes beside it (podman moves stats-dump up)
     * @param fileCount  members under checkpoint/
     */
    ArchiveImages(Path archive, Map<String, byte[]> images, Map<String, String> notRegular, Map<String, byte[]> topLevel,
                  int fileCount) {
        this.archive = archive;
        this.images = images;
        this.notRegular = notRegular;
        this.topLevel = topLevel;
        this.fileCount = fileCount;
    }

    @Override
    public Path location() { return archive; }

    @Override
    public Path pathOf(String name) {
        return Path.of(archive.toString(), ArchiveReader.CHECKPOINT_DIR, name);
    }

    @Override
    public ImageFile openIfPresent(String name, ImageReadControl control) throws ImageFormatException {
        control.checkCancelled(pathOf(name));
        String what = notRegular.get(name);
        if (what != null) {
            throw new ImageFormatException(Kind.NOT_REGULAR_FILE, pathOf(name), -1, "is " + what
                    + " in the archive; images are read only from regular files");
        }
        byte[] b = images.get(name);
        if (b == null && !images.containsKey(name)) {
            // podman keeps CRIU's stats-dump next to checkpoint/, not in it
            byte[] up = topLevel.get(name);
            if (up != null) return ImageFile.ofBytes(Path.of(archive.toString(), name), up, control);
            return null;
        }
        return ImageFile.ofBytes(pathOf(name), b, control);
    }

    @Override
    public int fileCount() { return fileCount; }

    @Override
    public void close() {}
}
