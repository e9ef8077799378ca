package org.criuatlas.bridge.topo;

import org.criuatlas.model.SocketName;
import org.criuatlas.model.SocketType;

import java.util.regex.Pattern;

/**
 * The words of the spec language that {@link TopologySpec} writes, checked before they are written:
 * names, ends, fd numbers, inet addresses, socket types and socket names. Each check throws
 * {@link IllegalArgumentException} with the message the builder's caller sees, so a typo fails in
 * Java rather than in the director.
 */
final class SpecWords {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@+-]{1,200}");
    private static final Pattern INET = Pattern.compile("(\\d{1,3}(\\.\\d{1,3}){3}|\\[[0-9A-Fa-f:.]+\\]):\\d{1,5}");

    private SpecWords() {}

    static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches())
            throw new IllegalArgumentException("bad name '" + name + "': use letters, digits and _.@+-");
    }

    static void requireWord(String s, String what) {
        if (s.isEmpty() || s.chars().anyMatch(c -> c <= ' ' || c == '#'))
            throw new IllegalArgumentException(what + " must not contain spaces or '#': '" + s + "'");
    }

    static String checkRole(String role) {
        return switch (role) {
            case "a", "b", "listen", "server", "client", "accepted", "write", "read", "sock", "master", "slave", "fd" -> role;
            default -> throw new IllegalArgumentException("unknown end '" + role + "'");
        };
    }

    static int checkFd(int fd) {
        if (fd < 3 || fd > (1 << 20)) throw new IllegalArgumentException("fd must be 3.." + (1 << 20) + ": " + fd);
        return fd;
    }

    static String inetWord(String address) {
        if (address == null || !INET.matcher(address).matches())
            throw new IllegalArgumentException("expected IP:PORT or [IPV6]:PORT, got '" + address + "'");
        return address;
    }

    static String typeWord(SocketType type, boolean dgramAllowed) {
        return switch (type) {
            case STREAM -> "stream";
            case SEQPACKET -> "seqpacket";
            case DGRAM -> {
                if (!dgramAllowed) throw new IllegalArgumentException("dgram not allowed here");
                yield "dgram";
            }
            default -> throw new IllegalArgumentException("unsupported socket type " + type);
        };
    }

    static String addressWord(SocketName address) {
        String word = switch (address.kind()) {
            case PATH -> {
                if (!address.value().equals("auto") && !address.value().startsWith("/"))
                    throw new IllegalArgumentException("socket path must be absolute: " + address.value());
                yield "path=" + address.value();
            }
            case ABSTRACT -> "abstract=" + address.value();
            case NONE -> throw new IllegalArgumentException("a server needs a name: SocketName.path(...) or abstractName(...)");
        };
        requireWord(address.value(), "socket name");
        return word;
    }
}
