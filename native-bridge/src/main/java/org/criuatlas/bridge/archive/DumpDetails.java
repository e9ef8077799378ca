package org.criuatlas.bridge.archive;

import org.criuatlas.bridge.archive.CheckpointArchive.ProcessDetails;
import org.criuatlas.bridge.archive.CheckpointArchive.SocketDetails;
import org.criuatlas.bridge.images.ImageDump;
import org.criuatlas.bridge.images.ImageFile;
import org.criuatlas.bridge.images.ImageFormatException;
import org.criuatlas.bridge.images.ImageMagic;
import org.criuatlas.bridge.images.ImageReadControl;
import org.criuatlas.bridge.images.ImageSource;
import org.criuatlas.bridge.images.proto.CriuImages.FileEntry;
import org.criuatlas.bridge.images.proto.CriuImages.FsEntry;
import org.criuatlas.bridge.images.proto.CriuImages.InetSkEntry;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.ProcessInfo;
import org.criuatlas.model.UnixSocket;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.criuatlas.bridge.images.FdDecoder.FD_INETSK;
import static org.criuatlas.bridge.images.FdDecoder.FD_NETLINKSK;
import static org.criuatlas.bridge.images.FdDecoder.FD_PACKETSK;
import static org.criuatlas.bridge.images.FdDecoder.FD_REG;

/**
 * What checkpointctl's inspect shows beyond the graph: each process's command line, environment,
 * cwd and root, and every socket of any family (inet addresses and ports, TCP state). Reads
 * files.img (for reg paths and inet sockets) and fs-PID.img from the images already in memory.
 */
final class DumpDetails {
    record Result(Map<Integer, ProcessDetails> processes, List<SocketDetails> sockets) {}

    private DumpDetails() {}

    static Result read(ImageSource src, ImageDump dump, ProcessMemory memory, ImageReadControl control) throws ImageFormatException {
        Map<Integer, String> regNames = new HashMap<>();
        Map<Long, FileEntry> socketsByIno = new HashMap<>();
        for (ImageFile.Entry<FileEntry> e : src.readAll("files.img", control, ImageMagic.COMMON, ImageMagic.FILES,
                FileEntry.parser()::parseFrom, null, null, true)) {
            FileEntry f = e.message();
            if (f.getType() == FD_REG && f.hasReg()) regNames.put(f.getId(), f.getReg().getName());
            if (f.getType() == FD_INETSK && f.hasIsk()) socketsByIno.put(Integer.toUnsignedLong(f.getIsk().getIno()), f);
            if (f.getType() == FD_NETLINKSK && f.hasNlsk()) socketsByIno.put(Integer.toUnsignedLong(f.getNlsk().getIno()), f);
        }
        Map<Integer, ProcessDetails> procs = new LinkedHashMap<>();
        List<SocketDetails> sockets = new ArrayList<>();
        for (ProcessInfo p : dump.graph().processes().values()) {
            String cwd = "", root = "";
            List<ImageFile.Entry<FsEntry>> fs = src.readAll("fs-" + p.pid() + ".img", control, ImageMagic.COMMON, ImageMagic.FS,
                    FsEntry.parser()::parseFrom, null, null, true);
            if (!fs.isEmpty()) {
                cwd = regNames.getOrDefault(fs.get(0).message().getCwdId(), "");
                root = regNames.getOrDefault(fs.get(0).message().getRootId(), "");
            }
            procs.put(p.pid(), new ProcessDetails(p.pid(), memory.cmdline(p.pid()), memory.environment(p.pid()), cwd, root,
                    memory.note(p.pid())));
            for (FdInfo fd : p.fds()) {
                if (fd.kind() != FdKind.SOCKET) continue;
                sockets.add(socket(p.pid(), fd, dump, socketsByIno));
            }
        }
        return new Result(procs, sockets);
    }

    private static SocketDetails socket(int pid, FdInfo fd, ImageDump dump, Map<Long, FileEntry> byIno) {
        UnixSocket u = dump.graph().sockets().get(fd.inode());
        if (u != null && fd.target().startsWith("socket:")) {
            return new SocketDetails(pid, fd.fd(), fd.inode(), "unix", u.type().label(), "", u.state().label(), u.name().display(),
                    u.hasPeer() ? "socket:[" + u.peer() + "]" : "");
        }
        FileEntry f = byIno.get(fd.inode());
        if (f != null && f.hasIsk()) {
            InetSkEntry i = f.getIsk();
            boolean v6 = i.getFamily() == 10;
            return new SocketDetails(pid, fd.fd(), fd.inode(), v6 ? "inet6" : "inet", sockType(i.getType()), proto(i.getProto()),
                    i.getProto() == 6 ? tcpState(i.getState()) : "",
                    addr(i.getSrcAddrList(), v6) + ":" + i.getSrcPort(), addr(i.getDstAddrList(), v6) + ":" + i.getDstPort());
        }
        if (f != null && f.hasNlsk()) {
            return new SocketDetails(pid, fd.fd(), fd.inode(), "netlink", "raw", Integer.toString(f.getNlsk().getProtocol()), "", "", "");
        }
        if (fd.target().equals("socket:[packet]")) return new SocketDetails(pid, fd.fd(), 0, "packet", "", "", "", "", "");
        return new SocketDetails(pid, fd.fd(), fd.inode(), "unknown", "", "", "", "", "");
    }

    /** CRIU stores addresses as u32 words in network byte order as they sat in memory (little-endian words here). */
    static String addr(List<Integer> words, boolean v6) {
        int n = v6 ? 4 : 1;
        ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) b.putInt(i < words.size() ? words.get(i) : 0);
        try {
            String s = InetAddress.getByAddress(b.array()).getHostAddress();
            return v6 ? "[" + s + "]" : s;
        } catch (UnknownHostException e) {
            return "?";
        }
    }

    private static String sockType(int t) {
        return switch (t) {
            case 1 -> "stream";
            case 2 -> "dgram";
            case 3 -> "raw";
            case 5 -> "seqpacket";
            default -> Integer.toString(t);
        };
    }

    private static String proto(int p) {
        return switch (p) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 136 -> "udplite";
            case 1 -> "icmp";
            case 58 -> "icmpv6";
            default -> Integer.toString(p);
        };
    }

    private static String tcpState(int s) {
        String[] names = {"", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT",
                "LAST_ACK", "LISTEN", "CLOSING"};
        return s > 0 && s < names.length ? names[s] : Integer.toString(s);
    }
}
