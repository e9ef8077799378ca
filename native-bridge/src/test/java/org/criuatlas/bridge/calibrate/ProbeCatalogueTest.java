package org.criuatlas.bridge.calibrate;

import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProbeCatalogueTest {
    static final ProbeCatalogue CAT = ProbeCatalogue.builtIn();

    @Test
    void everyKindHasTheNoOptionVariantAndARootItDeclares() {
        assertTrue(CAT.kinds().size() >= 25, "at least 25 kinds: " + CAT.kinds().size());
        for (ProbeCatalogue.Kind k : CAT.kinds()) {
            assertTrue(k.variants().stream().anyMatch(v -> v.id().equals("none") && v.role() == ProbeCatalogue.Role.none), k.id());
            Set<String> procs = new HashSet<>();
            for (String s : k.spec()) if (s.startsWith("proc ")) procs.add(s.split("\\s+")[1]);
            assertTrue(procs.contains(k.root()), k.id() + ": root " + k.root() + " is a proc of the spec");
            for (ProbeCatalogue.Variant v : k.variants())
                if (v.root() != null) assertTrue(procs.contains(v.root()), k.id() + "/" + v.id());
        }
    }

    @Test
    void variantsBecomeCriuFlags() {
        ProbeCatalogue.Variant v = CAT.kind("file-deleted-large").variant("ghost-limit");
        assertEquals(List.of("--ghost-limit 3145728"), v.options().flags());
        assertEquals(ProbeCatalogue.Role.fix, v.role());
        assertTrue(v.restore());
        assertEquals(List.of("--external net[{netns:a}]:atlas-net"), CAT.kind("netns-root").variant("external-net").options().flags());
        assertEquals(List.of("tcp-listen", "udp-bound"), CAT.only(List.of("tcp-listen", "udp-bound")).kinds().stream().map(ProbeCatalogue.Kind::id).toList());
    }

    /** Every probe really builds on this machine (atlas-topo says why when one does not). */
    @Test
    void everyProbeBuilds() {
        Requirements.requireRoot();
        List<String> failed = new ArrayList<>();
        for (ProbeCatalogue.Kind k : CAT.kinds()) {
            try (Topology t = Topology.start(k.topologySpec())) {
                assertFalse(t.manifest().processes().isEmpty());
                for (ProbeCatalogue.Variant v : k.variants())
                    for (String e : v.options().external())
                        assertFalse(ProbeCatalogue.Options.resolve(e, t).contains("{"), k.id() + ": " + e);
            } catch (RuntimeException e) {
                failed.add(k.id() + ": " + e.getMessage());
            }
        }
        assertEquals(List.of(), failed);
    }
}
