package org.criuatlas.bridge.calibrate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.criuatlas.bridge.criu.CriuOptions;
import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.bridge.topo.TopologySpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the calibration runs, as data: kinds of object CRIU cares about, each one small real
 * process tree (an atlas-topo spec) with the process whose tree is dumped, and the variants to try
 * (no option, the suggested fix, a wrong fix, ...). The built-in catalogue is the resource
 * {@code /org/criuatlas/calibrate/probes.json}; its kind and variant ids are the names the planner
 * and the measured facts share (docs/dump-rules.md, "Calibration").
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProbeCatalogue(int format, String about, List<Kind> kinds) {
    public static final String RESOURCE = "/org/criuatlas/calibrate/probes.json";

    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    public ProbeCatalogue {
        kinds = List.copyOf(kinds);
        Set<String> ids = new HashSet<>();
        for (Kind k : kinds) if (!ids.add(k.id())) throw new IllegalArgumentException("kind '" + k.id() + "' twice in the catalogue");
    }

    /** How a variant relates to the kind's problem. */
    public enum Role {
        /** no option at all */
        none,
        /** the option CRIU's error (or the documentation) suggests */
        fix,
        /** another option that also gets past the error, with other consequences */
        alternative,
        /** an option a user might try that does not address the problem */
        wrong
    }

    /**
     * One kind.
     *
     * @param id       stable name ({@code tcp-established-peer-outside})
     * @param title    what it is, in words
     * @param group    network, namespaces, files, ipc, anon, terminals, process
     * @param spec     atlas-topo statements (resources/topology/README.md)
     * @param root     the process whose tree is dumped
     * @param note     why the probe is built this way, when it matters
     * @param variants what to try
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Kind(String id, String title, String group, List<String> spec, String root, String note, List<Variant> variants) {
        public Kind {
            spec = List.copyOf(spec);
            variants = List.copyOf(variants);
            Set<String> ids = new HashSet<>();
            for (Variant v : variants)
                if (!ids.add(v.id())) throw new IllegalArgumentException("variant '" + v.id() + "' twice in kind '" + id + "'");
        }

        public TopologySpec topologySpec() {
            TopologySpec s = new TopologySpec();
            for (String line : spec) s.raw(line);
            return s;
        }

        public Variant variant(String variantId) {
            return variants.stream().filter(v -> v.id().equals(variantId)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("kind '" + id + "' has no variant '" + variantId + "'"));
        }
    }

    /**
     * One way to dump a kind.
     *
     * @param id      stable name within the kind ({@code none}, {@code tcp-established}, {@code none-restore})
     * @param role    see {@link Role}
     * @param root    another process to dump than the kind's root (e.g. pulling a peer in), or null
     * @param restore dump without --leave-running, restore, and compare the restored tree with the original
     * @param options CRIU options of the variant
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Variant(String id, Role role, String root, boolean restore, Options options) {
        public Variant {
            if (options == null) options = Options.NONE;
        }
    }

    /**
     * The CRIU options a variant sets (the names of {@link CriuOptions}'s fields). In
     * {@code external}, {@code {netns:PROC}} / {@code {mntns:PROC}} / {@code {ipcns:PROC}} stand for
     * that namespace's inode and {@code {pid:PROC}} for the process's pid.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Options(boolean tcpEstablished, boolean tcpClose, boolean tcpSkipInFlight, boolean fileLocks,
                          boolean linkRemap, long ghostLimit, boolean shellJob, boolean extUnixSk, List<String> external) {
        public static final Options NONE = new Options(false, false, false, false, false, 0, false, false, List.of());
        private static final Pattern PLACEHOLDER = Pattern.compile("\\{(netns|mntns|ipcns|pid):([A-Za-z0-9_.@+-]+)}");

        public Options {
            external = external == null ? List.of() : List.copyOf(external);
        }

        /** {@code base} with these options set (external keys resolved against the running topology). */
        public CriuOptions applyTo(CriuOptions base, Topology t) {
            CriuOptions o = base.withTcpEstablished(tcpEstablished).withTcpClose(tcpClose).withTcpSkipInFlight(tcpSkipInFlight)
                    .withFileLocks(fileLocks).withLinkRemap(linkRemap).withGhostLimit(ghostLimit).withShellJob(shellJob)
                    .withExtUnixSk(extUnixSk);
            for (String e : external) o = o.plusExternal(resolve(e, t));
            return o;
        }

        static String resolve(String key, Topology t) {
            Matcher m = PLACEHOLDER.matcher(key);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                Topology.Proc p = t.process(m.group(2));
                String v = switch (m.group(1)) {
                    case "pid" -> Integer.toString(p.pid());
                    default -> Long.toString(p.namespace(m.group(1).substring(0, m.group(1).length() - 2)));
                };
                m.appendReplacement(out, Matcher.quoteReplacement(v));
            }
            m.appendTail(out);
            return out.toString();
        }

        /** The options as criu command-line flags ({@code --tcp-established}, {@code --external KEY}). */
        public List<String> flags() {
            List<String> f = new ArrayList<>();
            if (tcpEstablished) f.add("--tcp-established");
            if (tcpClose) f.add("--tcp-close");
            if (tcpSkipInFlight) f.add("--skip-in-flight");
            if (fileLocks) f.add("--file-locks");
            if (linkRemap) f.add("--link-remap");
            if (ghostLimit > 0) f.add("--ghost-limit " + ghostLimit);
            if (shellJob) f.add("--shell-job");
            if (extUnixSk) f.add("--ext-unix-sk");
            for (String e : external) f.add("--external " + e);
            return f;
        }
    }

    private static volatile ProbeCatalogue builtIn;

    /** The catalogue shipped with CRIU Atlas. */
    public static ProbeCatalogue builtIn() {
        if (builtIn == null) {
            try (InputStream in = ProbeCatalogue.class.getResourceAsStream(RESOURCE)) {
                if (in == null) throw new IllegalStateException("missing resource " + RESOURCE);
                builtIn = JSON.readValue(in, ProbeCatalogue.class);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
            }
        }
        return builtIn;
    }

    public Kind kind(String id) {
        return kinds.stream().filter(k -> k.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no kind '" + id + "' in the catalogue"));
    }

    /** A catalogue with only the given kinds (in the given order). */
    public ProbeCatalogue only(List<String> kindIds) {
        Map<String, Kind> picked = new LinkedHashMap<>();
        for (String id : kindIds) picked.put(id, kind(id));
        return new ProbeCatalogue(format, about, new ArrayList<>(picked.values()));
    }

    /** Number of variants in all kinds (one calibration step each). */
    public int variantCount() {
        return kinds.stream().mapToInt(k -> k.variants().size()).sum();
    }
}
