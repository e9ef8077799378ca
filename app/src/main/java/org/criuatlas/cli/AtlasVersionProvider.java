package org.criuatlas.cli;

import org.criuatlas.bridge.AtlasVersion;
import picocli.CommandLine.IVersionProvider;

/** {@code criu-atlas --version}: the version Maven built, and the Java runtime it runs on. */
public final class AtlasVersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[]{
                "CRIU Atlas " + AtlasVersion.version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.home") + ")",
        };
    }
}
