package org.criuatlas.bridge.topo;

import org.criuatlas.model.SocketType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.criuatlas.bridge.topo.TopologyScenarios.APP;
import static org.criuatlas.bridge.topo.TopologyScenarios.HELPER;
import static org.criuatlas.bridge.topo.TopologyScenarios.OUTSIDE;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TopologyScenariosTest {

    /** Objects with an end inside the app subtree and an end (or copy) in outside. */
    private static Set<String> crossing(Topology t) {
        Map<String, Set<String>> holders = t.manifest().ends().stream().collect(
                Collectors.groupingBy(Topology.End::object, Collectors.mapping(Topology.End::process, Collectors.toSet())));
        return holders.entrySet().stream()
                .filter(e -> e.getValue().contains(OUTSIDE) && (e.getValue().contains(APP) || e.getValue().contains(HELPER)))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    @Test
    void eachScenarioHasExactlyItsCrossingObjects() throws Exception {
        Map<TopologySpec, Set<String>> cases = Map.of(
                TopologyScenarios.selfContained(), Set.of(),
                TopologyScenarios.socketpairToOutside(SocketType.SEQPACKET), Set.of("sp"),
                TopologyScenarios.dgramToNamedServer(), Set.of(),   // the server is a separate object: dc -> syslog
                TopologyScenarios.streamToNamedListener(), Set.of("conn"),
                TopologyScenarios.pipeToOutside(), Set.of("out"),
                TopologyScenarios.sharedWithOutside(), Set.of("inner"),
                TopologyScenarios.everything(), Set.of("sp", "conn", "out", "inner"));
        for (var c : cases.entrySet()) {
            try (Topology t = Topology.start(c.getKey())) {
                assertEquals(c.getValue(), crossing(t), c.getKey().text());
                assertEquals(t.pid(APP), ProcView.of(t.pid(HELPER)).ppid());
                TopologyTest.assertExactFds(t);
            }
        }
    }
}
