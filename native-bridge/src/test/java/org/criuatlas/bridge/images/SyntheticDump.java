package org.criuatlas.bridge.images;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import org.criuatlas.bridge.images.proto.CriuImages;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes small image directories byte by byte with our own schemas: two processes, a STREAM
 * socketpair between them, a pipe with 3 queued bytes, an external peer, a zombie. For tests that
 * must run without root or CRIU.
 */
public final class SyntheticDump {
    private SyntheticDump() {}

    static byte[] image(int common, int magic, List<? extends MessageLite> entries, int... rawAfter) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (common != 0) b.writeBytes(u32(common));
        b.writeBytes(u32(magic));
        int i = 0;
        for (MessageLite m : entries) {
            byte[] body = m.toByteArray();
            b.writeBytes(u32(body.length));
            b.writeBytes(body);
            if (rawAfter.length > i) b.writeBytes(new byte[rawAfter[i]]);
            i++;
        }
        return b.toByteArray();
    }

    /** A little-endian u32, for tests in other packages. */
    public static byte[] u32Public(int v) { return u32(v); }

    static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    static CriuImages.FileEntry usk(int id, int ino, int type, int state, int peer, int uflags, String name) {
        return CriuImages.FileEntry.newBuilder().setType(FdDecoder.FD_UNIXSK).setId(id)
                .setUsk(CriuImages.UnixSkEntry.newBuilder().setId(id).setIno(ino).setType(type).setState(state).setFlags(2)
                        .setUflags(uflags).setPeer(peer).setName(ByteString.copyFrom(name, StandardCharsets.UTF_8))).build();
    }

    static CriuImages.FileEntry pipe(int id, int pipeId, int flags) {
        return CriuImages.FileEntry.newBuilder().setType(FdDecoder.FD_PIPE).setId(id)
                .setPipe(CriuImages.PipeEntry.newBuilder().setId(id).setPipeId(pipeId).setFlags(flags)).build();
    }

    static CriuImages.FdinfoEntry fd(int fd, int id, int type) {
        return CriuImages.FdinfoEntry.newBuilder().setFd(fd).setId(id).setType(type).build();
    }

    public static Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        w(dir, "inventory.img", image(0, ImageMagic.INVENTORY, List.of(CriuImages.InventoryEntry.newBuilder()
                .setImgVersion(2).setFdinfoPerId(true).setDumpCriuRunId("synthetic").build())));
        w(dir, "pstree.img", image(ImageMagic.COMMON, ImageMagic.PSTREE, List.of(
                CriuImages.PstreeEntry.newBuilder().setPid(100).setPpid(0).setPgid(100).setSid(100).addThreads(100).build(),
                CriuImages.PstreeEntry.newBuilder().setPid(101).setPpid(100).setPgid(100).setSid(100).addThreads(101).build(),
                CriuImages.PstreeEntry.newBuilder().setPid(102).setPpid(100).setPgid(100).setSid(100).build())));
        for (int pid : new int[] {100, 101, 102}) {
            int state = pid == 102 ? ImageReader.TASK_DEAD : ImageReader.TASK_ALIVE;
            w(dir, "core-" + pid + ".img", image(ImageMagic.COMMON, ImageMagic.CORE, List.of(CriuImages.CoreEntry.newBuilder()
                    .setMtype(1).setTc(CriuImages.TaskCoreEntry.newBuilder().setTaskState(state).setExitCode(0)
                            .setComm("proc" + pid)).build())));
            if (pid == 102) continue;
            w(dir, "ids-" + pid + ".img", image(ImageMagic.COMMON, ImageMagic.IDS, List.of(
                    CriuImages.TaskKobjIdsEntry.newBuilder().setFilesId(pid - 99).build())));
        }
        w(dir, "fdinfo-1.img", image(ImageMagic.COMMON, ImageMagic.FDINFO, List.of(
                fd(3, 10, FdDecoder.FD_UNIXSK), fd(4, 20, FdDecoder.FD_PIPE), fd(5, 12, FdDecoder.FD_UNIXSK))));
        w(dir, "fdinfo-2.img", image(ImageMagic.COMMON, ImageMagic.FDINFO, List.of(
                fd(3, 11, FdDecoder.FD_UNIXSK), fd(4, 21, FdDecoder.FD_PIPE))));
        w(dir, "files.img", image(ImageMagic.COMMON, ImageMagic.FILES, List.of(
                usk(10, 5000, 1, 1, 5001, 0, ""), usk(11, 5001, 1, 1, 5000, 0, ""),
                usk(12, 5002, 1, 1, 5003, 0, ""), usk(13, 5003, 2, 10, 0, 1, ""),
                pipe(20, 6000, 1), pipe(21, 6000, 0))));
        w(dir, "pipes-data.img", image(ImageMagic.COMMON, ImageMagic.PIPES_DATA, List.of(
                CriuImages.PipeDataEntry.newBuilder().setPipeId(6000).setBytes(3).setSize(65536).build()), 3));
        w(dir, "sk-queues.img", image(ImageMagic.COMMON, ImageMagic.SK_QUEUES, List.of(
                CriuImages.SkPacketEntry.newBuilder().setIdFor(11).setLength(4).build(),
                CriuImages.SkPacketEntry.newBuilder().setIdFor(11).setLength(6).build()), 4, 6));
        w(dir, "stats-dump", image(ImageMagic.SERVICE, ImageMagic.STATS, List.of(CriuImages.ImageStatsEntry.newBuilder()
                .setDump(CriuImages.ImageDumpStatsEntry.newBuilder().setFreezingTime(95).setFrozenTime(5869)
                        .setMemdumpTime(689).setMemwriteTime(111).setPagesScanned(39).setPagesWritten(26)).build())));
        return dir;
    }

    static void w(Path dir, String name, byte[] bytes) throws IOException {
        Files.write(dir.resolve(name), bytes);
    }
}
