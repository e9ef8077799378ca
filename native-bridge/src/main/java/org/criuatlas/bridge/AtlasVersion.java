package org.criuatlas.bridge;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of CRIU Atlas, as Maven built it ({@code org/criuatlas/atlas-version.properties},
 * filtered from the project version by the resources module). Everything that shows a version
 * (--version, the About box) asks here, so there is one version.
 */
public final class AtlasVersion {
    static final String RESOURCE = "/org/criuatlas/atlas-version.properties";
    private static volatile String version;

    private AtlasVersion() {}

    /** The project version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        String v = version;
        if (v == null) version = v = read();
        return v;
    }

    private static String read() {
        try (InputStream in = AtlasVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is missing: the resources module was not built");
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").trim();
            if (v.isEmpty() || v.contains("${"))
                throw new IllegalStateException(RESOURCE + " holds no filtered version: '" + v + "'");
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
