package org.criuatlas.bridge.images;

import com.sun.jna.LastErrorException;
import org.criuatlas.bridge.images.ImageFormatException.Kind;

import java.nio.file.Path;

/**
 * A dump directory opened once: every image is opened relative to this directory's fd, without
 * following a symlink and without blocking, so renaming or replacing the directory (or one of its
 * entries with a link or a FIFO) during the read cannot send the reader elsewhere or hang it.
 */
public final class ImageDirectory implements ImageSource {
    private final Path dir;
    private final int dirfd;

    private ImageDirectory(Path dir, int dirfd) {
        this.dir = dir;
        this.dirfd = dirfd;
    }

    /** Opens {@code dir}; a missing path or a non-directory is {@link Kind#NOT_A_DUMP}. */
    public static ImageDirectory open(Path dir) throws ImageFormatException {
        try {
            // the directory the user named may be reached through a link; what is inside may not
            int fd = ImageSyscalls.openat(ImageSyscalls.AT_FDCWD, ImageSyscalls.cPath(dir.toString()),
                    ImageSyscalls.O_RDONLY | ImageSyscalls.O_DIRECTORY | ImageSyscalls.O_CLOEXEC);
            return new ImageDirectory(dir, fd);
        } catch (LastErrorException e) {
            throw switch (e.getErrorCode()) {
                case ImageSyscalls.ENOENT -> new ImageFormatException(Kind.NOT_A_DUMP, dir, -1, "does not exist");
                case ImageSyscalls.ENOTDIR -> new ImageFormatException(Kind.NOT_A_DUMP, dir, -1, "not a directory");
                case ImageSyscalls.EACCES, ImageSyscalls.EPERM -> new ImageFormatException(Kind.IO, dir, -1, "permission denied");
                default -> new ImageFormatException(Kind.IO, dir, -1, "cannot open: errno " + e.getErrorCode(), e);
            };
        }
    }

    @Override
    public Path location() { return dir; }

    @Override
    public Path pathOf(String name) { return dir.resolve(name); }

    @Override
    public ImageFile openIfPresent(String name, ImageReadControl control) throws ImageFormatException {
        if (name.indexOf('/') >= 0 || name.equals("..") || name.equals(".")) {
            throw new IllegalArgumentException("not an image name: " + name);
        }
        return ImageFile.openAt(dirfd, name, pathOf(name), control);
    }

    @Override
    public int fileCount() {
        String[] names = dir.toFile().list(); // cheaper than a Path per entry
        return names == null ? -1 : names.length;
    }

    @Override
    public void close() {
        ImageSyscalls.close(dirfd);
    }
}
