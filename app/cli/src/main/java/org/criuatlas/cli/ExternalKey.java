package org.criuatlas.cli;

import org.criuatlas.model.ObjectKey;
import picocli.CommandLine;

/**
 * {@code --external} the same way in every command: a unix socket as {@code unix[INO]}, the bare
 * {@code INO} or {@code socket:[INO]} (INO = the inode of the end inside the dump, as {@code plan}
 * prints it).
 */
final class ExternalKey {
    private ExternalKey() {}

    /** For the planner, which reasons about unix sockets: the inode. */
    static final class Unix implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return ObjectKey.parseExternalUnix(value).ino();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * For the planner: a unix socket in any spelling becomes {@code unix[INO]}; a namespace or device
     * key ({@code net[INO]:NAME}, {@code mnt[...]}, {@code dev[...]}) passes as it is.
     */
    static final class Plan implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return ObjectKey.parseExternalUnix(value).externalUnix();
            } catch (IllegalArgumentException e) {
                if (value.matches("(net|mnt|dev)\\[[^\\]]+\\](:.*)?")) return value;
                throw new CommandLine.TypeConversionException(e.getMessage() + ", or net[INO]:NAME, mnt[...] or dev[...]");
            }
        }
    }

    /** True for a key {@link Plan} gave back for a unix socket. */
    static boolean isUnix(String key) {
        return key.startsWith("unix[");
    }

    /**
     * For a dump: a unix socket in any of the spellings becomes CRIU's {@code unix[INO]}; another CRIU
     * external key ({@code tty[...]}, {@code mnt[...]}, {@code file[...]}, ...) passes as it is.
     */
    static final class Dump implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return ObjectKey.parseExternalUnix(value).externalUnix();
            } catch (IllegalArgumentException e) {
                if (value.matches("[a-z]+\\[.+]") && !value.startsWith("unix[")) return value;
                throw new CommandLine.TypeConversionException(e.getMessage() + ", or another CRIU external key such as tty[RDEV:DEV]");
            }
        }
    }
}
