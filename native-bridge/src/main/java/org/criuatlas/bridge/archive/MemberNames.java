package org.criuatlas.bridge.archive;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.criuatlas.bridge.images.ImageFormatException;
import org.criuatlas.bridge.images.ImageFormatException.Kind;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The safety rules for tar member names. Nothing is extracted, but a member name is what a later
 * extraction (podman restore, a user's tar -x) would write, so an archive whose names could land
 * outside its folder is refused whole: an absolute name, a ".." step, a NUL, a hard link to such a
 * name, a symbolic link whose target is absolute or climbs out of the archive's root.
 */
final class MemberNames {
    private MemberNames() {}

    /** The member's name without "./" steps or a trailing slash ("" for the root itself). */
    static String check(Path archive, TarArchiveEntry e, long offset) throws ImageFormatException {
        String name = normal(archive, e.getName(), offset, "member");
        if (e.isSymbolicLink()) {
            String target = e.getLinkName();
            if (target == null || target.isEmpty() || target.startsWith("/")) {
                throw unsafe(archive, offset, "symbolic link " + name + " points at an absolute path " + quote(target));
            }
            int slash = name.lastIndexOf('/');
            String joined = (slash < 0 ? "" : name.substring(0, slash + 1)) + target;
            if (climbsOut(joined)) {
                throw unsafe(archive, offset, "symbolic link " + name + " -> " + quote(target) + " leaves the archive's folder");
            }
        } else if (e.isLink()) {
            normal(archive, e.getLinkName(), offset, "hard link " + name + " to");
        }
        return name;
    }

    private static String normal(Path archive, String raw, long offset, String what) throws ImageFormatException {
        if (raw == null || raw.indexOf('\0') >= 0) throw unsafe(archive, offset, what + " name with a NUL byte");
        if (raw.startsWith("/")) throw unsafe(archive, offset, what + " " + quote(raw) + " is an absolute path");
        StringBuilder out = new StringBuilder();
        for (String part : raw.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) throw unsafe(archive, offset, what + " " + quote(raw) + " has a \"..\" step");
            if (out.length() > 0) out.append('/');
            out.append(part);
        }
        return out.toString();
    }

    /** True when resolving {@code path} step by step from the root ever goes above it. */
    private static boolean climbsOut(String path) {
        Deque<String> stack = new ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                if (stack.isEmpty()) return true;
                stack.pop();
            } else {
                stack.push(part);
            }
        }
        return false;
    }

    private static String quote(String s) { return s == null ? "(none)" : "\"" + s + "\""; }

    private static ImageFormatException unsafe(Path archive, long offset, String what) {
        return new ImageFormatException(Kind.UNSAFE_ENTRY, archive, offset, what + "; the archive is refused");
    }
}
