package org.criuatlas.host.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.criuatlas.bridge.server.BridgeServer;
import org.criuatlas.host.LocalHost;
import org.criuatlas.testing.Requirements;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The client as an ordinary user created by the test (useradd), the bridge as root through a test
 * launcher in place of pkexec: the launcher command ({@link BridgeLauncher#COMMAND_ENV}) relays the
 * user's stdin/stdout to a bridge served as root by this JVM. {@code scan --bridge} as that user
 * sees root's processes and their fds; the same user's plain {@code scan} does not.
 */
class BridgeOrdinaryUserTest {
    static final String USER = "atlas-bridge-test";

    static final String RELAY = """
            import os, socket, sys, threading
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
            def up():
                while True:
                    d = os.read(0, 65536)
                    if not d:
                        s.shutdown(socket.SHUT_WR)
                        return
                    s.sendall(d)
            threading.Thread(target=up, daemon=True).start()
            while True:
                d = s.recv(65536)
                if not d:
                    break
                sys.stdout.buffer.write(d)
                sys.stdout.buffer.flush()
            """;

    @Test
    void anOrdinaryUserSeesEverythingThroughTheRootBridge() throws Exception {
        Requirements.requireRoot();
        Path dir = Files.createDirectories(Path.of("target", "bridge-user").toAbsolutePath());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path relay = dir.resolve("relay.py");
        Files.writeString(relay, RELAY);
        Files.setPosixFilePermissions(relay, PosixFilePermissions.fromString("rw-r--r--"));
        run(List.of("userdel", USER), true);
        assertEquals(0, run(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER), false).exit);
        ExecutorService work = Executors.newCachedThreadPool();
        HostVerbs verbs = new HostVerbs(new LocalHost(work));
        try (BridgeServer server = new BridgeServer(verbs);
             ServerSocket listen = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!listen.isClosed()) {
                    try (Socket s = listen.accept()) {
                        server.serve(s.getInputStream(), s.getOutputStream(), "ordinary-user relay");
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "user-bridge-accept");
            acceptor.setDaemon(true);
            acceptor.start();

            String cp = readableClassPath(dir.resolve("lib"));
            String launcher = "/usr/bin/python3 " + relay + " " + listen.getLocalPort();
            Result viaBridge = asUser(dir, cp, launcher, "scan", "--bridge", "--json");
            assertEquals(0, viaBridge.exit, viaBridge.err);
            Result plain = asUser(dir, cp, null, "scan", "--json");
            assertEquals(0, plain.exit, plain.err);

            int me = (int) ProcessHandle.current().pid(); // root's process: this JVM
            JsonNode b = find(viaBridge.out, me), p = find(plain.out, me);
            assertNotNull(b, "through the bridge the user sees root's process " + me);
            assertTrue(b.get("fdsReadable").asBoolean(), "and its fds");
            assertTrue(b.get("fds").size() > 5);
            assertTrue(new ObjectMapper().readTree(viaBridge.out).at("/meta/privileged").asBoolean(), "a privileged scan");
            assertTrue(p == null || !p.get("fdsReadable").asBoolean(), "without the bridge the user cannot read root's fds");
            assertFalse(new ObjectMapper().readTree(plain.out).at("/meta/privileged").asBoolean());
        } finally {
            verbs.close();
            work.shutdownNow();
            run(List.of("userdel", USER), true);
        }
    }

    /** The class path with the jars the user cannot read (under /root/.m2) copied where it can. */
    static String readableClassPath(Path lib) throws IOException {
        Files.createDirectories(lib);
        Files.setPosixFilePermissions(lib, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> out = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(e);
            if (Files.isRegularFile(p) && p.toAbsolutePath().startsWith("/root")) {
                Path copy = lib.resolve(p.getFileName());
                Files.copy(p, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                out.add(copy.toString());
            } else {
                out.add(e);
            }
        }
        return String.join(java.io.File.pathSeparator, out);
    }

    static JsonNode find(String json, int pid) throws IOException {
        for (JsonNode n : new ObjectMapper().readTree(json).get("processes")) if (n.get("pid").asInt() == pid) return n;
        return null;
    }

    record Result(int exit, String out, String err) {}

    static Result asUser(Path home, String cp, String launcher, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", USER, "--", "env", "HOME=" + home));
        if (launcher != null) cmd.add(BridgeLauncher.COMMAND_ENV + "=" + launcher);
        cmd.addAll(List.of(ProcessHandle.current().info().command().orElseThrow(), "-cp", cp, "org.criuatlas.Main"));
        cmd.addAll(List.of(args));
        return run(cmd, false);
    }

    static Result run(List<String> cmd, boolean quiet) throws Exception {
        Process p = new ProcessBuilder(cmd).start();
        var err = Executors.newSingleThreadExecutor().submit(() -> new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", cmd));
        return new Result(p.exitValue(), out, err.get());
    }
}
