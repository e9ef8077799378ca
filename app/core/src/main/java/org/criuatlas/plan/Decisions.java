package org.criuatlas.plan;

import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.model.ObjectKey;

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
 * @param objects          the options for objects other than unix sockets, pipes and terminals
 *                         ({@code --tcp-established}, {@code --file-locks}, {@code --external net[...]}, ...)
 */
public record Decisions(Set<Long> external, boolean extUnixSk, Set<Long> legacyUnixSkIno, boolean shellJob,
                        Set<Long> reconnectByName, Set<String> inheritAtRestore, ObjectOptions objects) {
    public Decisions {
        external = Set.copyOf(external == null ? Set.of() : external);
        legacyUnixSkIno = Set.copyOf(legacyUnixSkIno == null ? Set.of() : legacyUnixSkIno);
        reconnectByName = Set.copyOf(reconnectByName == null ? Set.of() : reconnectByName);
        inheritAtRestore = Set.copyOf(inheritAtRestore == null ? Set.of() : inheritAtRestore);
        objects = objects == null ? ObjectOptions.NONE : objects;
    }

    public Decisions(Set<Long> external, boolean extUnixSk, Set<Long> legacyUnixSkIno, boolean shellJob,
                     Set<Long> reconnectByName, Set<String> inheritAtRestore) {
        this(external, extUnixSk, legacyUnixSkIno, shellJob, reconnectByName, inheritAtRestore, ObjectOptions.NONE);
    }

    /**
     * CRIU's options for the objects the planner judges one by one.
     *
     * @param tcpEstablished {@code --tcp-established}: dump connected TCP sockets with their state
     * @param tcpClose       {@code --tcp-close}: dump them as closed
     * @param skipInFlight   {@code --skip-in-flight}: drop connections waiting in a listener's accept queue
     * @param fileLocks      {@code --file-locks}
     * @param linkRemap      {@code --link-remap}
     * @param ghostLimit     {@code --ghost-limit BYTES}, 0 = CRIU's default (1 MiB)
     * @param external       other {@code --external} keys: {@code net[INO]:NAME}, {@code mnt[PATH]:NAME}, {@code dev[MAJ/MIN]:NAME}
     */
    public record ObjectOptions(boolean tcpEstablished, boolean tcpClose, boolean skipInFlight, boolean fileLocks,
                                boolean linkRemap, long ghostLimit, Set<String> external) {
        public static final long DEFAULT_GHOST_LIMIT = 0x100000;
        public static final ObjectOptions NONE = new ObjectOptions(false, false, false, false, false, 0, Set.of());

        public ObjectOptions {
            if (ghostLimit < 0) throw new IllegalArgumentException("ghost limit must not be negative: " + ghostLimit);
            external = Set.copyOf(external == null ? Set.of() : new java.util.TreeSet<>(external));
            for (String e : external)
                if (!e.matches("(net|mnt|dev)\\[[^\\]]+\\](:.*)?"))
                    throw new IllegalArgumentException("not an --external key for net, mnt or dev: '" + e + "'");
        }

        /** The limit CRIU applies. */
        public long effectiveGhostLimit() { return ghostLimit > 0 ? ghostLimit : DEFAULT_GHOST_LIMIT; }

        public CriuOptions applyTo(CriuOptions o) {
            CriuOptions r = o.withTcpEstablished(tcpEstablished).withTcpClose(tcpClose).withTcpSkipInFlight(skipInFlight)
                    .withFileLocks(fileLocks).withLinkRemap(linkRemap).withGhostLimit(ghostLimit);
            for (String e : external) r = r.plusExternal(e);
            return r;
        }
    }

    public static final Decisions NONE = new Decisions(Set.of(), false, Set.of(), false, Set.of(), Set.of());

    public Decisions withObjects(ObjectOptions o) {
        return new Decisions(external, extUnixSk, legacyUnixSkIno, shellJob, reconnectByName, inheritAtRestore, o);
    }

    public Decisions withTcpEstablished(boolean v) {
        ObjectOptions o = objects;
        return withObjects(new ObjectOptions(v, o.tcpClose(), o.skipInFlight(), o.fileLocks(), o.linkRemap(), o.ghostLimit(), o.external()));
    }

    public Decisions withTcpClose(boolean v) {
        ObjectOptions o = objects;
        return withObjects(new ObjectOptions(o.tcpEstablished(), v, o.skipInFlight(), o.fileLocks(), o.linkRemap(), o.ghostLimit(), o.external()));
    }

    public Decisions withSkipInFlight(boolean v) {
        ObjectOptions o = objects;
        return withObjects(new ObjectOptions(o.tcpEstablished(), o.tcpClose(), v, o.fileLocks(), o.linkRemap(), o.ghostLimit(), o.external()));
    }

    public Decisions withFileLocks(boolean v) {
        ObjectOptions o = objects;
        return withObjects(new ObjectOptions(o.tcpEstablished(), o.tcpClose(), o.skipInFlight(), v, o.linkRemap(), o.ghostLimit(), o.external()));
    }

    public Decisions withLinkRemap(boolean v) {
        ObjectOptions o = objects;
        return withObjects(new ObjectOptions(o.tcpEstablished(), o.tcpClose(), o.skipInFlight(), o.fileLocks(), v, o.ghostLimit(), o.external()));
    }

    public Decisions withGhostLimit(long v) {
        ObjectOptions o = objects;
        return withObjects(new ObjectOptions(o.tcpEstablished(), o.tcpClose(), o.skipInFlight(), o.fileLocks(), o.linkRemap(), v, o.external()));
    }

    /** Adds {@code --external} keys for net, mnt or dev. */
    public Decisions withExternalKeys(String... keys) {
        ObjectOptions o = objects;
        Set<String> s = new HashSet<>(o.external());
        s.addAll(List.of(keys));
        return withObjects(new ObjectOptions(o.tcpEstablished(), o.tcpClose(), o.skipInFlight(), o.fileLocks(), o.linkRemap(), o.ghostLimit(), s));
    }

    public Decisions withExternal(long... inos) {
        Set<Long> s = new HashSet<>(external);
        for (long i : inos) s.add(i);
        return new Decisions(s, extUnixSk, legacyUnixSkIno, shellJob, reconnectByName, inheritAtRestore, objects);
    }

    public Decisions withExtUnixSk(boolean v) {
        return new Decisions(external, v, legacyUnixSkIno, shellJob, reconnectByName, inheritAtRestore, objects);
    }

    public Decisions withLegacyUnixSkIno(long... inos) {
        Set<Long> s = new HashSet<>(legacyUnixSkIno);
        for (long i : inos) s.add(i);
        return new Decisions(external, extUnixSk, s, shellJob, reconnectByName, inheritAtRestore, objects);
    }

    public Decisions withShellJob(boolean v) {
        return new Decisions(external, extUnixSk, legacyUnixSkIno, v, reconnectByName, inheritAtRestore, objects);
    }

    public Decisions withReconnectByName(long... inos) {
        Set<Long> s = new HashSet<>(reconnectByName);
        for (long i : inos) s.add(i);
        return new Decisions(external, extUnixSk, legacyUnixSkIno, shellJob, s, inheritAtRestore, objects);
    }

    public Decisions withInheritAtRestore(String... keys) {
        Set<String> s = new HashSet<>(inheritAtRestore);
        s.addAll(List.of(keys));
        return new Decisions(external, extUnixSk, legacyUnixSkIno, shellJob, reconnectByName, s, objects);
    }

    public Decisions withInheritPipe(long ino) { return withInheritAtRestore(ObjectKey.ofPipe(ino).text()); }
}
