package org.criuatlas.bridge.archive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.criuatlas.bridge.archive.CheckpointArchive.ContainerInfo;
import org.criuatlas.bridge.archive.CheckpointArchive.Engine;
import org.criuatlas.bridge.archive.CheckpointArchive.Mount;
import org.criuatlas.bridge.archive.CheckpointArchive.NetworkInterface;
import org.criuatlas.bridge.images.ImageFormatException;
import org.criuatlas.bridge.images.ImageFormatException.Kind;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who the container was, from the engine's JSON beside the dump. The engine is told apart as
 * checkpointctl does: spec.dump's annotation {@code io.container.manager} is {@code libpod} for
 * podman and {@code cri-o} for CRI-O (kubelet's checkpoint API); containerd's CRI plugin leaves
 * {@code io.kubernetes.cri.*} annotations instead. CRI-O keeps the Kubernetes names in annotations:
 * the container name in {@code io.kubernetes.cri-o.Metadata} (JSON), pod and namespace in
 * {@code io.kubernetes.pod.name} / {@code .namespace}, its address in {@code io.kubernetes.cri-o.IP.0}.
 */
final class ContainerMetadata {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ContainerMetadata() {}

    static JsonNode parse(Path file, byte[] bytes) throws ImageFormatException {
        try {
            JsonNode n = JSON.readTree(bytes);
            return n == null ? JSON.missingNode() : n;
        } catch (JsonProcessingException e) {
            throw new ImageFormatException(Kind.INCONSISTENT, file, e.getLocation() == null ? -1 : e.getLocation().getByteOffset(),
                    "not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new ImageFormatException(Kind.IO, file, -1, "cannot read: " + e.getMessage(), e);
        }
    }

    static ContainerInfo of(JsonNode config, JsonNode spec, JsonNode network, Instant inventoryTime) {
        Map<String, String> ann = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.path("annotations").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ann.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
        }
        String manager = ann.getOrDefault("io.container.manager", "");
        Engine engine;
        String evidence;
        if (manager.equals("libpod")) {
            engine = Engine.PODMAN;
            evidence = "io.container.manager=libpod";
        } else if (manager.equals("cri-o")) {
            engine = Engine.CRIO;
            evidence = "io.container.manager=cri-o";
        } else if (ann.containsKey("io.kubernetes.cri.container-name")) {
            engine = Engine.CONTAINERD;
            evidence = "io.kubernetes.cri.container-name";
        } else {
            engine = Engine.UNKNOWN;
            evidence = manager.isEmpty() ? "no io.container.manager annotation" : "io.container.manager=" + manager;
        }

        String name = text(config, "name");
        String created = text(config, "createdTime");
        String pod = "", namespace = "", ip = "", mac = "";
        List<NetworkInterface> nets = new ArrayList<>();
        switch (engine) {
            case CRIO -> {
                String meta = ann.getOrDefault("io.kubernetes.cri-o.Metadata", "");
                try {
                    String n = meta.isEmpty() ? "" : JSON.readTree(meta).path("name").asText("");
                    if (!n.isEmpty()) name = n;
                } catch (JsonProcessingException e) {
                    // a damaged annotation: keep config.dump's name
                }
                if (name.isEmpty()) name = ann.getOrDefault("io.kubernetes.container.name", "");
                created = ann.getOrDefault("io.kubernetes.cri-o.Created", created);
                pod = ann.getOrDefault("io.kubernetes.pod.name", "");
                namespace = ann.getOrDefault("io.kubernetes.pod.namespace", "");
                ip = ann.getOrDefault("io.kubernetes.cri-o.IP.0", "");
            }
            case CONTAINERD -> {
                name = ann.getOrDefault("io.kubernetes.cri.container-name", name);
                pod = ann.getOrDefault("io.kubernetes.cri.sandbox-name", "");
                namespace = ann.getOrDefault("io.kubernetes.cri.sandbox-namespace", "");
            }
            default -> { }
        }
        if (network.isObject()) {
            // podman: {"NETWORK": {"interfaces": {"eth0": {"subnets": [{"ipnet", "gateway"}], "mac_address"}}}}
            List<String> ips = new ArrayList<>(), macs = new ArrayList<>();
            List<String> netNames = new ArrayList<>();
            network.fieldNames().forEachRemaining(netNames::add);
            netNames.sort(null);
            for (String net : netNames) {
                JsonNode ifs = network.path(net).path("interfaces");
                List<String> ifNames = new ArrayList<>();
                ifs.fieldNames().forEachRemaining(ifNames::add);
                ifNames.sort(null);
                for (String ifName : ifNames) {
                    JsonNode i = ifs.path(ifName);
                    String m = i.path("mac_address").asText("");
                    String addr = "", gw = "";
                    for (JsonNode sub : i.path("subnets")) {
                        if (!sub.path("ipnet").asText("").isEmpty()) addr = sub.path("ipnet").asText();
                        if (!sub.path("gateway").asText("").isEmpty()) gw = sub.path("gateway").asText();
                    }
                    if (!addr.isEmpty()) ips.add(addr.contains("/") ? addr.substring(0, addr.indexOf('/')) : addr);
                    if (!m.isEmpty()) macs.add(m);
                    nets.add(new NetworkInterface(net, ifName, addr, m, gw));
                }
            }
            if (ip.isEmpty()) ip = String.join(", ", ips);
            mac = String.join(", ", macs);
        }

        String checkpointed = text(config, "checkpointedTime");
        String from = "config.dump checkpointedTime";
        if (checkpointed.isEmpty() || checkpointed.startsWith("0001-01-01")) {
            checkpointed = inventoryTime == null ? "" : inventoryTime.toString();
            from = inventoryTime == null ? "" : "time of checkpoint/inventory.img in the archive";
        }
        if (created.startsWith("0001-01-01")) created = "";

        List<String> command = new ArrayList<>();
        for (JsonNode a : spec.path("process").path("args")) command.add(a.asText(""));
        List<Mount> mounts = new ArrayList<>();
        for (JsonNode m : spec.path("mounts")) {
            mounts.add(new Mount(m.path("destination").asText(""), m.path("type").asText(""), m.path("source").asText("")));
        }
        String image = text(config, "rootfsImageName");
        if (image.isEmpty()) image = ann.getOrDefault("io.kubernetes.cri-o.ImageName", "");
        return new ContainerInfo(engine, evidence, name, text(config, "id"), image, text(config, "runtime"), created,
                checkpointed, from, ip, mac, nets, pod, namespace, command, ann, mounts);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isValueNode() && !v.isNull() ? v.asText("") : "";
    }
}
