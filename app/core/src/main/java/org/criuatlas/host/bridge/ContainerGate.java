package org.criuatlas.host.bridge;

import org.criuatlas.bridge.server.BridgeVerbs.Refused;
import org.criuatlas.bridge.server.RequestChecks;
import org.criuatlas.bridge.server.proto.BridgeProto.Error.Code;
import org.criuatlas.bridge.trust.Credentials;
import org.criuatlas.host.ContainerRequest;
import org.criuatlas.host.RestoreGate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Pattern;

/**
 * What a bridge checks before it runs podman as root for a client ({@code container}): podman is given typed fields
 * only, never words to pass on, and real paths (links resolved after they were judged). A container name is a name
 * (never an option); an archive to export is a new file in a folder of the requesting user (root's only when root
 * asked) that nobody else can write, since the archive is then given to that user: never a system folder (a missing
 * last folder is made, 0700, for that user, under a folder of theirs); an archive to import is a plain file of root
 * or that user that nobody else can write, in folders likewise (importing it runs what it holds as root).
 */
final class ContainerGate {
    /** podman's container names and ids: a letter or digit, then letters, digits, '_', '.', '-'. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,252}");

    private ContainerGate() {}

    /** The request as podman may run it, or a typed refusal; may make the export's folder. */
    static ContainerRequest check(ContainerRequest r, int requestingUid) throws Refused {
        if (r instanceof ContainerRequest.Checkpoint c) {
            name(c.container(), "container");
            Path archive = RequestChecks.path(c.archive(), "checkpoint archive");
            makeFolder(archive.getParent(), requestingUid);
            RestoreGate.Verdict v = RestoreGate.checkNewFile(archive, requestingUid);
            if (!v.trusted()) throw new Refused(Code.NOT_PERMITTED, "the archive is not written there as root: " + String.join("; ", v.reasons()));
            return new ContainerRequest.Checkpoint(c.container(), v.folder(), c.leaveRunning(), c.tcpEstablished(), c.fileLocks());
        }
        ContainerRequest.Restore q = (ContainerRequest.Restore) r;
        if (q.name() != null) name(q.name(), "restore name");
        Path archive = RequestChecks.path(q.archive(), "restore archive");
        if (!Files.exists(archive, LinkOption.NOFOLLOW_LINKS)) {
            throw new Refused(Code.NOT_FOUND, "no archive " + archive);
        }
        RestoreGate.Verdict v = RestoreGate.checkFile(archive, requestingUid);
        if (!v.trusted()) {
            throw new Refused(Code.NOT_PERMITTED, "importing " + archive + " as root would run what it holds as root, and it is not"
                    + " trusted: " + String.join("; ", v.reasons()));
        }
        return new ContainerRequest.Restore(v.folder(), q.name(), q.tcpEstablished(), q.fileLocks());
    }

    /** After podman exported {@code archive} as root: it becomes the requesting user's (the link itself if one were put there). */
    static void giveArchive(Path archive, int requestingUid) {
        if (requestingUid == 0 || Credentials.effectiveUid() != 0) return;
        try {
            owner(archive, requestingUid);
        } catch (IOException e) {
            // the archive stays root's: the outcome is still right, the user reads it through the bridge
        }
    }

    private static void name(String s, String what) throws Refused {
        if (s == null || !NAME.matcher(s).matches()) {
            throw new Refused(Code.INVALID_REQUEST, what + ": \"" + (s == null ? "" : s.replace('\0', '?')) + "\" is not a container name"
                    + " (a letter or digit, then letters, digits, _ . -)");
        }
    }

    /** Makes {@code folder} (the last level only) for the requesting user, 0700, when its own folder passes the gate. */
    private static void makeFolder(Path folder, int requestingUid) throws Refused {
        if (folder == null || Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) return;
        // the same rule as for the archive: a new entry, in a real folder of the requesting user nobody else can write
        RestoreGate.Verdict v = RestoreGate.checkNewFile(folder, requestingUid);
        if (!v.trusted()) throw new Refused(Code.NOT_PERMITTED, "the folder " + folder + " is not made there as root: " + String.join("; ", v.reasons()));
        Path real = v.folder();
        try {
            Files.createDirectory(real, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            if (requestingUid != 0 && Credentials.effectiveUid() == 0) owner(real, requestingUid);
        } catch (IOException e) {
            throw new Refused(Code.FAILED, "cannot make " + folder + ": " + e.getMessage());
        }
    }

    /** lchown to the uid itself (not a name lookup): a link is never followed. */
    private static void owner(Path p, int uid) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    }
}
