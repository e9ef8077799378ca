package org.criuatlas.model;

import java.util.List;

/**
 * A pipe or FIFO with its ends. An fd opened read-write on a FIFO is listed on both sides.
 *
 * @param ino         pipe inode ({@code pipe:[INO]}); for a FIFO the inode of the FIFO file
 * @param fifoPath    the FIFO's path, or null for an anonymous pipe
 * @param readers     holders of read ends
 * @param writers     holders of write ends
 * @param queuedBytes bytes sitting in the pipe, -1 when unknown (live scans do not read them)
 */
public record Pipe(long ino, String fifoPath, List<Holder> readers, List<Holder> writers, long queuedBytes) {
    public Pipe {
        readers = SortedLists.of(readers);
        writers = SortedLists.of(writers);
    }

    public boolean isFifo() { return fifoPath != null; }

    public String key() { return ObjectKey.ofPipe(ino).text(); }
}
