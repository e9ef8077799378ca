package org.criuatlas.cli;

import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.plan.Decisions;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.util.Collection;
import java.util.Locale;

/**
 * The dump options about objects other than unix sockets, spelled as CRIU spells them, shared by
 * {@code plan} (which then predicts with them) and {@code dump} (which passes them to CRIU), so that
 * the command a plan prints is the command that runs.
 */
final class ObjectFlags {
    @Option(names = "--tcp-established", description = "Dump established TCP connections (restore needs the same addresses and a quiet peer).")
    boolean tcpEstablished;

    @Option(names = "--tcp-close", description = "Dump established TCP connections closed: the program sees a reset at restore.")
    boolean tcpClose;

    @Option(names = "--skip-in-flight", description = "Leave out connections still waiting in a listener's accept queue.")
    boolean skipInFlight;

    @Option(names = "--file-locks", description = "Dump file locks (flock, POSIX, OFD) held by the tree.")
    boolean fileLocks;

    @Option(names = "--link-remap", description = "Dump open files that were unlinked (or have no name left) by linking them back in.")
    boolean linkRemap;

    @Option(names = "--ghost-limit", paramLabel = "SIZE", converter = Size.class,
            description = "Largest deleted file CRIU copies into the images (bytes, or with K/M/G; CRIU's default 1M).")
    long ghostLimit;

    /** The options with the given namespace externals ({@code net[INO]:NAME}, {@code mnt[...]}, {@code dev[...]}). */
    Decisions.ObjectOptions options(Collection<String> namespaceExternals) {
        return new Decisions.ObjectOptions(tcpEstablished, tcpClose, skipInFlight, fileLocks, linkRemap, ghostLimit,
                new java.util.TreeSet<>(namespaceExternals));
    }

    /** The same options on a CRIU request (externals are the caller's). */
    CriuOptions applyTo(CriuOptions o) {
        return o.withTcpEstablished(tcpEstablished).withTcpClose(tcpClose).withTcpSkipInFlight(skipInFlight)
                .withFileLocks(fileLocks).withLinkRemap(linkRemap).withGhostLimit(ghostLimit);
    }

    /** "1048576", "512K", "1M", "2G" → bytes. */
    static final class Size implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.trim().toUpperCase(Locale.ROOT);
            long unit = 1;
            if (v.endsWith("K")) unit = 1L << 10;
            else if (v.endsWith("M")) unit = 1L << 20;
            else if (v.endsWith("G")) unit = 1L << 30;
            if (unit != 1) v = v.substring(0, v.length() - 1);
            try {
                long n = Long.parseLong(v);
                if (n <= 0 || n > Integer.MAX_VALUE / unit) throw new NumberFormatException();
                return n * unit;
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("a size from 1 to 2G (bytes, or with K, M or G), not '" + value + "'");
            }
        }
    }
}
