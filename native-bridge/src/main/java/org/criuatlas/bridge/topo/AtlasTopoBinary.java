package org.criuatlas.bridge.topo;

import org.criuatlas.bridge.criu.CriuLocator;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Finds the atlas-topo executable: {@code $CRIU_ATLAS_TOPO} if set, else the classpath resource
 * {@code /org/criuatlas/topo/atlas-topo} used in place when it is a plain file, else extracted
 * from the jar to {@code $CRIU_ATLAS_HOME/bin/atlas-topo-<hash>} (one copy per content).
 */
public final class AtlasTopoBinary {
    public static final String RESOURCE = "/org/criuatlas/topo/atlas-topo";
    public static final String ENV = "CRIU_ATLAS_TOPO";

    private static Path cached;

    private AtlasTopoBinary() {}

    public static synchronized Path locate() {
        if (cached != null && Files.isExecutable(cached)) return cached;
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env);
            if (!Files.isExecutable(p)) throw new TopologyException("$" + ENV + " is not an executable file: " + env);
            return cached = p;
        }
        URL url = AtlasTopoBinary.class.getResource(RESOURCE);
        if (url == null)
            throw new TopologyException("atlas-topo is not on the classpath (" + RESOURCE
                    + "): build the resources module (mvn -pl resources package; needs gcc)");
        return cached = provide(url, CriuLocator.atlasHome().resolve("bin"));
    }

    /** The resource as an executable file: in place for a file URL, else extracted into {@code binDir}. */
    static Path provide(URL url, Path binDir) {
        try {
            if (url.getProtocol().equals("file")) {
                Path p = Path.of(url.toURI());
                if (!Files.isExecutable(p) && !p.toFile().setExecutable(true))
                    throw new TopologyException("cannot make " + p + " executable");
                return p;
            }
            byte[] bytes;
            try (InputStream in = url.openStream()) {
                bytes = in.readAllBytes();
            }
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
            Path dir = binDir;
            Files.createDirectories(dir);
            Path target = dir.resolve("atlas-topo-" + hash);
            if (!Files.isExecutable(target)) {
                Path tmp = Files.createTempFile(dir, "atlas-topo-", ".tmp");
                Files.write(tmp, bytes);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return target;
        } catch (IOException | URISyntaxException | NoSuchAlgorithmException e) {
            throw new TopologyException("cannot provide atlas-topo from " + url + ": " + e.getMessage(), e);
        }
    }
}
