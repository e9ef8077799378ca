package org.criuatlas.plan;

import org.criuatlas.model.ObjectKeys;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the user ticked. The planner reads these as CRIU would read the matching options, so a
 * wrong tick (the outside inode, ext_unix_sk on a socketpair) shows up as what it really does.
 *
 * @param external         inodes marked {@code --external unix[INO]} (meant: our end; any inode accepted)
 * @param extUnixSk        {@code --ext-unix-sk}: allow external sockets, reconnect by name at restore
 * @param legacyUnixSkIno  inodes of the legacy {@code unix_sk_ino} RPC field; CRIU ignores them unless
 *                         ext_unix_sk is also set
 * @param shellJob         {@code --shell-job}
 * @param reconnectByName  our socket inodes the user wants reconnected by name at restore
 * @param inheritAtRestore object keys ({@code pipe:[INO]}, {@code socket:[INO]}) the user will hand in at restore
 */
public record Decisions(Set<Long> external, boolean extUnixSk, Set<Long> legacyUnixSkIno, boolean shellJob,
                        Set<Long> reconnectByName, Set<String> inheritAtRestore) {
    public Decisions {
        external = Set.copyOf(external == null ? Set.of() : external);
        legacyUnixSkIno = Set.copyOf(legacyUnixSkIno == null ? Set.of() : legacyUnixSkIno);
        reconnectByName = Set.copyOf(reconnectByName == null ? Set.of() : reconnectByName);
        inheritAtRestore = Set.copyOf(inheritAtRestore == null ? Set.of() : inheritAtRestore);
    }

    public static final Decisions NONE = new Decisions(Set.of(), false, Set.of(), false, Set.of(), Set.of());

    public Decisions withExternal(long... inos) {
        Set<Long> s = new HashSet<>(external);
        for (long i : inos) s.add(i);
        return new Decisions(s, extUnixSk, legacyUnixSkIno, shellJob, reconnectByName, inheritAtRestore);
    }

    public Decisions withExtUnixSk(boolean v) {
        return new Decisions(external, v, legacyUnixSkIno, shellJob, reconnectByName, inheritAtRestore);
    }

    public Decisions withLegacyUnixSkIno(long... inos) {
        Set<Long> s = new HashSet<>(legacyUnixSkIno);
        for (long i : inos) s.add(i);
        return new Decisions(external, extUnixSk, s, shellJob, reconnectByName, inheritAtRestore);
    }

    public Decisions withShellJob(boolean v) {
        return new Decisions(external, extUnixSk, legacyUnixSkIno, v, reconnectByName, inheritAtRestore);
    }

    public Decisions withReconnectByName(long... inos) {
        Set<Long> s = new HashSet<>(reconnectByName);
        for (long i : inos) s.add(i);
        return new Decisions(external, extUnixSk, legacyUnixSkIno, shellJob, s, inheritAtRestore);
    }

    public Decisions withInheritAtRestore(String... keys) {
        Set<String> s = new HashSet<>(inheritAtRestore);
        s.addAll(List.of(keys));
        return new Decisions(external, extUnixSk, legacyUnixSkIno, shellJob, reconnectByName, s);
    }

    public Decisions withInheritPipe(long ino) { return withInheritAtRestore(ObjectKeys.pipe(ino)); }
}
