package org.criuatlas.bridge.images;

/** The magic words at the head of CRIU images (criu-facts §3.2). Little-endian u32 on disk. */
public final class ImageMagic {
    private ImageMagic() {}

    /** First word of every ordinary image. */
    public static final int COMMON = 0x54564319;
    /** First word of service files (stats-dump, stats-restore, irmap-cache). */
    public static final int SERVICE = 0x55105940;

    /** inventory.img starts with this word alone: it has no common magic. */
    public static final int INVENTORY = 0x58313116;
    public static final int PSTREE = 0x50273030;
    public static final int CORE = 0x55053847;
    public static final int IDS = 0x54432030;
    public static final int FDINFO = 0x56213732;
    public static final int FILES = 0x56303138;
    public static final int PIPES_DATA = 0x56453709;
    public static final int FIFO_DATA = 0x59333054;
    public static final int SK_QUEUES = 0x56264026;
    public static final int TTY_INFO = 0x59453036;
    public static final int STATS = 0x57093306;
    public static final int FS = 0x51403912;
    public static final int MM = 0x57492820;
    public static final int PAGEMAP = 0x56084025;
    public static final int FILE_LOCKS = 0x54323616;

    static String hex(int v) { return String.format("0x%08x", v); }
}
