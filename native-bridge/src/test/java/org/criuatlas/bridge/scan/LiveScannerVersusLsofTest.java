package org.criuatlas.bridge.scan;

import org.criuatlas.bridge.topo.Topology;
import org.criuatlas.model.AccessMode;
import org.criuatlas.model.FdInfo;
import org.criuatlas.model.FdKind;
import org.criuatlas.model.IpcGraph;
import org.criuatlas.model.ProcessInfo;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** Pipes, FIFOs and sockets of a topology against {@code lsof -F} (fd, access, type, inode). */
class LiveScannerVersusLsofTest {
    @Test
    void pipeAndSocketFdsAgreeWithLsof() throws Exception {
        try (Topology topo = Topology.start(LiveScannerTopologyTest.spec()); LiveScanner scanner = new LiveScanner()) {
            IpcGraph g = scanner.scan(ScanScope.subtrees(Set.of(topo.pid("hub"), topo.pid("outside"))));
            String pids = g.processes().keySet().stream().map(String::valueOf).collect(Collectors.joining(","));
            Process p = new ProcessBuilder("lsof", "-n", "-P", "-a", "-p", pids, "-F", "pftai")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            List<String> mismatches = new ArrayList<>();
            int compared = 0;
            int pid = 0, fd = -1;
            String access = null, type = null, inode = null;
            List<String[]> fds = new ArrayList<>();
            for (String line : (out + "\nf-1").split("\n")) {
                if (line.isEmpty()) continue;
                char c = line.charAt(0);
                String v = line.substring(1);
                if (c == 'p' || c == 'f') {
                    if (fd >= 0) fds.add(new String[] {String.valueOf(pid), String.valueOf(fd), access, type, inode});
                    fd = -1; access = null; type = null; inode = null;
                    if (c == 'p') pid = Integer.parseInt(v);
                    else if (v.chars().allMatch(Character::isDigit)) fd = Integer.parseInt(v);
                } else if (c == 'a') access = v;
                else if (c == 't') type = v;
                else if (c == 'i') inode = v;
            }
            for (String[] f : fds) {
                if (!"FIFO".equals(f[3]) && !"unix".equals(f[3])) continue;
                ProcessInfo proc = g.process(Integer.parseInt(f[0]));
                FdInfo ours = proc == null ? null : proc.fd(Integer.parseInt(f[1]));
                if (ours == null) {
                    mismatches.add("scan lacks " + String.join(" ", f));
                    continue;
                }
                compared++;
                if (f[3].equals("FIFO")) {
                    if (ours.kind() != FdKind.PIPE && ours.kind() != FdKind.FIFO) mismatches.add("kind " + String.join(" ", f) + " vs " + ours);
                    AccessMode m = switch (f[2]) { case "r" -> AccessMode.READ; case "w" -> AccessMode.WRITE; default -> AccessMode.READ_WRITE; };
                    if (ours.mode() != m) mismatches.add("mode " + String.join(" ", f) + " vs " + ours);
                } else if (ours.kind() != FdKind.SOCKET) {
                    mismatches.add("kind " + String.join(" ", f) + " vs " + ours);
                }
                if (f[4] != null && Long.parseLong(f[4]) != ours.inode()) mismatches.add("inode " + String.join(" ", f) + " vs " + ours);
            }
            // every end the builder made is among them
            assertEquals(topo.manifest().ends().size(), compared, "compared fds:\n" + out);
            assertEquals(List.of(), mismatches);
        }
    }

}
