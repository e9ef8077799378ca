package org.criuatlas.bridge.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.airlift.compress.zstd.ZstdInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.criuatlas.bridge.archive.CheckpointArchive.Compression;
import org.criuatlas.bridge.archive.CheckpointArchive.Sizes;
import org.criuatlas.bridge.images.ImageDump;
import org.criuatlas.bridge.images.ImageFormatException;
import org.criuatlas.bridge.images.ImageFormatException.Kind;
import org.criuatlas.bridge.images.ImageReadControl;
import org.criuatlas.bridge.images.ImageReader;
import org.criuatlas.bridge.images.RegularFileInput;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a container checkpoint archive in one pass over its tar stream, extracting nothing: the
 * engine's JSON and the CRIU images the graph needs are kept in memory, page data is skipped except
 * the few pages that hold each process's arguments (and environment, when asked), and everything
 * else (rootfs-diff.tar, tmpfs contents, the other pages) only counted. mm/pagemap come before
 * pages in the lexical order podman and CRI-O write checkpoint/ in; an archive in another order
 * costs a second pass for those pages only.
 *
 * <p>Untrusted input: every member name is checked before it is used (absolute paths, "..", and
 * links that leave the archive are {@link Kind#UNSAFE_ENTRY}; a name twice is refused too, since
 * extraction would let the later one win), the number of members and the bytes kept or decoded are
 * capped ({@link Limits}), and {@link ImageReadControl#cancel()} stops the stream. A damaged stream
 * is {@link Kind#CORRUPT_ARCHIVE}, a cut one {@link Kind#TRUNCATED}. Nothing is ever written.
 *
 * <p>Just over 400 lines because the single pass (member checks, limits, which pages to keep, the
 * second pass for out-of-order archives) has to be read as one piece to be trusted.
 */
public final class ArchiveReader {
    /** Which zstd decoder an open uses now: "zstd (/usr/bin/zstd, a child process)" or "aircompressor (in process)". */
    public static String zstdDecoder() {
        return ZstdProcess.binary().map(p -> "zstd (" + p + ", a child process)").orElse("aircompressor (in process)");
    }

    static final String CHECKPOINT_DIR = "checkpoint";
    private static final int PAGE = 4096; // x86-64 (CRIU writes the host's page size)
    /** Images of checkpoint/ the reader uses (everything else there is counted and skipped). */
    private static final Pattern KEPT_IMAGE = Pattern.compile(
            "inventory\\.img|pstree\\.img|files\\.img|pipes-data\\.img|fifo-data\\.img|sk-queues\\.img|stats-dump|stats-restore"
                    + "|(core|ids|fdinfo|fs|mm|pagemap)-\\d+\\.img");
    private static final Pattern PAGES = Pattern.compile("pages-(\\d+)\\.img");
    private static final Set<String> METADATA = Set.of("config.dump", "spec.dump", "network.status", "stats-dump",
            "stats-restore");

    /**
     * @param maxMembers     most tar members
     * @param maxKeptBytes   most bytes of members kept in memory (metadata + images the graph needs)
     * @param maxStreamBytes most bytes of uncompressed stream decoded (a decompression bomb stops here)
     * @param maxMemberBytes most bytes of one kept member
     */
    public record Limits(int maxMembers, long maxKeptBytes, long maxStreamBytes, long maxMemberBytes) {
        /** A 1,000-process dump keeps about 10 MiB of images and has about 7,000 members. */
        public static final Limits DEFAULT = new Limits(1_000_000, 512L << 20, 64L << 30, 64L << 20);
    }

    /**
     * @param environment read each process's environment (it often holds secrets: only on request)
     * @param limits      the archive's caps
     * @param control     the image reader's caps, and cancel for the whole read
     */
    public record Options(boolean environment, Limits limits, ImageReadControl control) {
        public static Options defaults() { return new Options(false, Limits.DEFAULT, new ImageReadControl()); }

        public Options withEnvironment(boolean env) { return new Options(env, limits, control); }
    }

    private ArchiveReader() {}

    public static CheckpointArchive open(Path archive) throws ImageFormatException {
        return open(archive, Options.defaults());
    }

    public static CheckpointArchive open(Path archive, Options options) throws ImageFormatException {
        long t0 = System.nanoTime();
        Pass first = new Pass(archive, options, null);
        first.run();
        if (first.images.get("inventory.img") == null) {
            throw new ImageFormatException(Kind.NOT_A_DUMP, archive, -1, first.sawConfig
                    ? "the archive has no checkpoint/inventory.img: a container archive without a CRIU dump"
                    : "no checkpoint/inventory.img: not a container checkpoint archive");
        }
        ArchiveImages src = new ArchiveImages(archive, first.images, first.notRegular, first.metadata, first.checkpointFiles);
        ImageDump dump = ImageReader.read(src, options.control());

        ProcessMemory memory = ProcessMemory.planFromKept(archive, first.images, options.environment(), options.control());
        memory.capture(first.captured);
        if (memory.needsSecondPass(first.streamedPages)) {
            // pages came before their pagemap in this archive: one more pass for those pages only
            Pass again = new Pass(archive, options, memory);
            again.run();
            memory.capture(again.captured);
        }
        DumpDetails.Result details = DumpDetails.read(src, dump, memory, options.control());

        JsonNode config = first.json("config.dump");
        JsonNode spec = first.json("spec.dump");
        JsonNode network = first.json("network.status");
        CheckpointArchive.ContainerInfo info = ContainerMetadata.of(config, spec, network, first.inventoryTime);
        Sizes sizes = new Sizes(first.checkpointBytes, first.pagesBytes, first.rootfsDiffBytes, first.archiveBytes,
                first.streamBytes);
        return new CheckpointArchive(archive, first.compression, info, sizes, dump, details.processes(), details.sockets(),
                first.members, System.nanoTime() - t0);
    }

    /** Counts the decoded stream, enforces its cap and makes the stream cancellable. */
    private static final class CountingInput extends FilterInputStream {
        private final Path archive;
        private final long max;
        private final ImageReadControl control;
        long count;
        private long nextCheck = 1 << 20;
        /** Bytes at or after this offset are looked at: only headers and the end of the tar, never member data. */
        long scanFrom;
        /** The offset of the last nonzero byte seen at or after {@link #scanFrom}, -1 if none. */
        long lastNonZero = -1;

        CountingInput(InputStream in, Path archive, long max, ImageReadControl control) {
            super(in);
            this.archive = archive;
            this.max = max;
            this.control = control;
        }

        private void add(long n) throws IOException {
            count += n;
            if (count >= nextCheck) {
                nextCheck = count + (1 << 20);
                if (count > max) {
                    throw new LimitIOException(new ImageFormatException(Kind.LIMIT_EXCEEDED, archive, count,
                            "the archive decodes to more than " + max + " bytes (the limit for a read)"));
                }
                if (control.isCancelled()) {
                    throw new LimitIOException(new ImageFormatException(Kind.CANCELLED, archive, count, "the read was cancelled"));
                }
            }
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b > 0 && count >= scanFrom) lastNonZero = count;
            if (b >= 0) add(1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                if (count + n > scanFrom) {
                    for (int i = (int) Math.max(0, scanFrom - count); i < n; i++) {
                        if (b[off + i] != 0) lastNonZero = count + i;
                    }
                }
                add(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = in.skip(n);
            if (s > 0) add(s);
            return s;
        }
    }

    /** Carries a typed error through the tar library, which only passes IOExceptions on. */
    private static final class LimitIOException extends IOException {
        final ImageFormatException error;

        LimitIOException(ImageFormatException e) {
            super(e.getMessage());
            this.error = e;
        }
    }

    /** One pass over the tar stream. */
    private static final class Pass {
        final Path archive;
        final Options options;
        /** Non-null on a second pass: only these pages are wanted. */
        final ProcessMemory pagesOnly;

        Compression compression;
        final Map<String, byte[]> images = new HashMap<>();
        final Map<String, String> notRegular = new HashMap<>();
        final Map<String, byte[]> metadata = new HashMap<>();
        final Map<ProcessMemory.PageKey, byte[]> captured = new HashMap<>();
        final Set<Long> streamedPages = new HashSet<>();
        final Set<String> seen = new HashSet<>();
        boolean sawConfig;
        Instant inventoryTime;
        int members;
        int checkpointFiles;
        long kept, checkpointBytes, pagesBytes, rootfsDiffBytes, archiveBytes, streamBytes;
        private ProcessMemory plan; // made from mm/pagemap when the first pages image arrives
        private CountingInput counted;

        Pass(Path archive, Options options, ProcessMemory pagesOnly) {
            this.archive = archive;
            this.options = options;
            this.pagesOnly = pagesOnly;
        }

        JsonNode json(String name) throws ImageFormatException {
            byte[] b = metadata.get(name);
            return b == null ? MissingNode.getInstance() : ContainerMetadata.parse(Path.of(archive.toString(), name), b);
        }

        void run() throws ImageFormatException {
            try (RegularFileInput file = RegularFileInput.open(archive, true)) {
                archiveBytes = file.size();
                byte[] head = new byte[6];
                int got = 0;
                try {
                    while (got < head.length) {
                        int r = file.read(head, got, head.length - got);
                        if (r < 0) break;
                        got += r;
                    }
                } catch (IOException e) {
                    throw new ImageFormatException(Kind.IO, archive, 0, e.getMessage(), e);
                }
                compression = detect(head, got);
                file.rewind();
                stream(file);
            }
        }

        private Compression detect(byte[] h, int n) throws ImageFormatException {
            if (n >= 2 && (h[0] & 0xff) == 0x1f && (h[1] & 0xff) == 0x8b) return Compression.GZIP;
            if (n >= 4 && (h[0] & 0xff) == 0x28 && (h[1] & 0xff) == 0xb5 && (h[2] & 0xff) == 0x2f && (h[3] & 0xff) == 0xfd) {
                return Compression.ZSTD;
            }
            if (n >= 6 && (h[0] & 0xff) == 0xfd && h[1] == '7' && h[2] == 'z' && h[3] == 'X' && h[4] == 'Z') {
                throw new ImageFormatException(Kind.UNSUPPORTED_FORMAT, archive, 0,
                        "xz-compressed; podman and CRI-O write zstd, gzip or plain tar (unpack it with xz -d first)");
            }
            if (n >= 3 && h[0] == 'B' && h[1] == 'Z' && h[2] == 'h') {
                throw new ImageFormatException(Kind.UNSUPPORTED_FORMAT, archive, 0,
                        "bzip2-compressed; podman and CRI-O write zstd, gzip or plain tar (unpack it with bunzip2 first)");
            }
            if (n == 0) throw new ImageFormatException(Kind.NOT_A_DUMP, archive, 0, "empty file");
            return Compression.NONE;
        }

        private void stream(RegularFileInput in) throws ImageFormatException {
            ImageReadControl control = options.control();
            try {
                InputStream raw = switch (compression) {
                    case GZIP -> new GzipCompressorInputStream(in, true);
                    case ZSTD -> zstd(in);
                    case NONE -> in;
                };
                counted = new CountingInput(raw, archive, options.limits().maxStreamBytes(), control);
                try (TarArchiveInputStream tar = new TarArchiveInputStream(counted)) {
                    TarArchiveEntry e;
                    long memberEnd = 0; // where the data of the last member (padded to 512) ends
                    while ((e = tar.getNextEntry()) != null) {
                        control.checkCancelled(archive);
                        if (++members > options.limits().maxMembers()) {
                            throw new ImageFormatException(Kind.LIMIT_EXCEEDED, archive, counted.count, "more than "
                                    + options.limits().maxMembers() + " members (the limit for a read)");
                        }
                        // the tar library reads exactly the header record(s) before handing out a member
                        memberEnd = counted.count + (e.getSize() + 511) / 512 * 512;
                        member(tar, e);
                        drain(tar);
                        counted.scanFrom = memberEnd;
                    }
                    byte[] rest = new byte[8192];
                    while (counted.read(rest, 0, rest.length) > 0) {
                        // trailing zero records (the end-of-archive marker and padding to a record)
                    }
                    // the library takes the end of the stream, even inside a header, for the end of the tar: a tar
                    // cut between members or inside a header would look complete. A real end is a zero record.
                    if (counted.lastNonZero >= memberEnd || counted.count - memberEnd < 512) {
                        throw new EOFException("no end-of-archive record after the last member (the tar ends at byte "
                                + counted.count + ")");
                    }
                }
                streamBytes = counted.count;
            } catch (LimitIOException e) {
                throw e.error;
            } catch (EOFException e) {
                throw new ImageFormatException(Kind.TRUNCATED, archive, offset(), "the archive ends early ("
                        + (compression == Compression.NONE ? "" : compression.word() + " stream or ") + "tar cut short): " + e.getMessage());
            } catch (IOException | RuntimeException e) {
                String msg = String.valueOf(e.getMessage()).toLowerCase();
                // commons-compress says "truncated", aircompressor "not enough input bytes" for a cut stream
                if (msg.contains("truncated") || msg.contains("not enough input")) {
                    throw new ImageFormatException(Kind.TRUNCATED, archive, offset(), "the archive ends early: " + e.getMessage());
                }
                if (members == 0 && compression == Compression.NONE) {
                    throw new ImageFormatException(Kind.NOT_A_DUMP, archive, 0, "not a tar archive (nor gzip or zstd): "
                            + e.getMessage());
                }
                throw new ImageFormatException(Kind.CORRUPT_ARCHIVE, archive, offset(), "damaged "
                        + (compression == Compression.NONE ? "tar" : compression.word() + " or tar") + " data: " + e.getMessage(), e);
            }
        }

        private long offset() { return counted == null ? -1 : counted.count; }

        /** The system's zstd in a process of its own when there is a trusted one (faster), else aircompressor. */
        private InputStream zstd(RegularFileInput in) throws IOException {
            java.util.Optional<Path> zstd = ZstdProcess.binary();
            return zstd.isPresent() ? ZstdProcess.start(zstd.get(), in) : new ZstdInputStream(in);
        }

        private final byte[] sink = new byte[1 << 20];

        /**
         * Reads the rest of the current member into nothing, in large reads: the tar library would skip it
         * through commons-io in 2 KiB reads, which costs more than decoding the zstd stream itself.
         */
        private void drain(TarArchiveInputStream tar) throws IOException {
            while (tar.read(sink, 0, sink.length) > 0) {
                // page data and other members the reader does not need
            }
        }

        private void member(TarArchiveInputStream tar, TarArchiveEntry e) throws ImageFormatException, IOException {
            if (!e.isCheckSumOK()) {
                // the library records a bad header checksum but reads on; a damaged header must not become a member
                throw new IOException("tar header checksum mismatch (member name as read: \"" + e.getName() + "\")");
            }
            String name = MemberNames.check(archive, e, offset());
            if (name.isEmpty()) return; // "./" itself
            if (!seen.add(name)) {
                throw new ImageFormatException(Kind.UNSAFE_ENTRY, archive, offset(), "member " + name
                        + " appears twice (extraction would keep the second; the reader would show the first)");
            }
            if (e.isDirectory()) return;
            // isFile() of the tar library is true for FIFOs and devices too: the type flag decides
            byte type = e.getLinkFlag();
            boolean regular = (type == TarConstants.LF_NORMAL || type == TarConstants.LF_OLDNORM || type == TarConstants.LF_CONTIG)
                    && !e.isGNUSparse();
            int slash = name.indexOf('/');
            if (slash < 0) {
                if (name.equals("config.dump")) sawConfig = true;
                if (name.equals("rootfs-diff.tar") && regular) rootfsDiffBytes = e.getSize();
                if (pagesOnly == null && regular && METADATA.contains(name)) metadata.put(name, keep(tar, e, name));
                return;
            }
            if (!name.startsWith(CHECKPOINT_DIR + "/")) return;
            String image = name.substring(CHECKPOINT_DIR.length() + 1);
            if (image.indexOf('/') >= 0) {
                if (regular) checkpointBytes += e.getSize();
                return;
            }
            checkpointFiles++;
            if (!regular) {
                notRegular.put(image, e.isSymbolicLink() ? "a symbolic link" : e.isLink() ? "a hard link" : e.isFIFO() ? "a FIFO"
                        : e.isCharacterDevice() || e.isBlockDevice() ? "a device" : "not a regular file");
                return;
            }
            checkpointBytes += e.getSize();
            var pages = PAGES.matcher(image);
            if (pages.matches()) {
                pagesBytes += e.getSize();
                long pagesId = Long.parseLong(pages.group(1));
                streamedPages.add(pagesId);
                if (pagesOnly == null && plan == null) {
                    // checkpoint/ is written in name order: every mm- and pagemap- image came before the first pages- one
                    plan = ProcessMemory.planFromKept(archive, images, options.environment(), options.control());
                }
                (pagesOnly != null ? pagesOnly : plan).read(tar, pagesId, e.getSize(), captured);
                return;
            }
            if (pagesOnly != null) return;
            if (image.equals("inventory.img")) inventoryTime = e.getLastModifiedDate() == null ? null : e.getLastModifiedDate().toInstant();
            if (KEPT_IMAGE.matcher(image).matches()) images.put(image, keep(tar, e, name));
        }

        private byte[] keep(TarArchiveInputStream tar, TarArchiveEntry e, String name) throws ImageFormatException, IOException {
            long size = e.getSize();
            if (size > options.limits().maxMemberBytes()) {
                throw new ImageFormatException(Kind.LIMIT_EXCEEDED, Path.of(archive.toString(), name), -1, "member of "
                        + size + " bytes; a member the reader keeps may have at most " + options.limits().maxMemberBytes());
            }
            kept += size;
            if (kept > options.limits().maxKeptBytes()) {
                throw new ImageFormatException(Kind.LIMIT_EXCEEDED, Path.of(archive.toString(), name), -1, "more than "
                        + options.limits().maxKeptBytes() + " bytes of images and metadata to keep (the limit for a read)");
            }
            byte[] b = new byte[(int) size];
            int off = 0;
            while (off < b.length) {
                int r = tar.read(b, off, b.length - off);
                if (r < 0) throw new EOFException("member " + name + " is cut short at byte " + off + " of " + size);
                off += r;
            }
            return b;
        }
    }
}
