package org.criuatlas.json;

/**
 * {@code criu-atlas about --json}: versions and where the log is.
 *
 * @param version     CRIU Atlas
 * @param jdk         the running JDK's version
 * @param jvm         the JVM's name
 * @param kernel      the kernel release (`uname -r`)
 * @param criuPath    the criu binary used, null when none was found
 * @param criuVersion what {@code criu --version} says, null when none was found
 * @param criuVia     how it was found (environment, provisioned, PATH)
 * @param logFile     the current log file
 * @param stateDir    the folder that holds the log files
 */
public record AboutJson(int schema, String command, String version, String jdk, String jvm, String kernel, String criuPath, String criuVersion,
                        String criuVia, String logFile, String stateDir) {
    public AboutJson(String version, String jdk, String jvm, String kernel, String criuPath, String criuVersion, String criuVia,
                     String logFile, String stateDir) {
        this(Json.SCHEMA_VERSION, "about", version, jdk, jvm, kernel, criuPath, criuVersion, criuVia, logFile, stateDir);
    }
}
