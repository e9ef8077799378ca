package org.criuatlas.bridge.images;

import org.criuatlas.bridge.images.ImageFormatException.Kind;

import java.nio.file.Path;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Where a dump's images come from: a directory ({@link ImageDirectory}) or the images an archive
 * reader kept in memory. The reader asks for images by name only (names it makes itself, such as
 * {@code core-17.img}), so a source decides how a name is opened safely.
 */
public interface ImageSource extends AutoCloseable {
    /** The directory or archive, as the user named it. */
    Path location();

    /** How errors and the graph name the image {@code name}. */
    Path pathOf(String name);

    /** Opens the image {@code name}; null when the dump has no such image. */
    ImageFile openIfPresent(String name, ImageReadControl control) throws ImageFormatException;

    /** How many files the dump holds (-1 when unknown). */
    int fileCount();

    @Override
    void close();

    /** Opens {@code name}; a missing one is {@link Kind#MISSING_IMAGE}. */
    default ImageFile open(String name, ImageReadControl control) throws ImageFormatException {
        ImageFile f = openIfPresent(name, control);
        if (f == null) throw new ImageFormatException(Kind.MISSING_IMAGE, pathOf(name), -1, "image is missing");
        return f;
    }

    /** Every entry of {@code name} (missing: an error, or empty when {@code optional}, CRIU's rule for some images). */
    default <T> List<ImageFile.Entry<T>> readAll(String name, ImageReadControl control, int common, int magic,
                                                 ImageFile.Decoder<T> decoder, ToLongFunction<T> rawAfter, String rawWhat,
                                                 boolean optional) throws ImageFormatException {
        ImageFile f = optional ? openIfPresent(name, control) : open(name, control);
        if (f == null) return List.of();
        try (f) {
            return f.readAll(common, magic, decoder, rawAfter, rawWhat);
        }
    }
}
