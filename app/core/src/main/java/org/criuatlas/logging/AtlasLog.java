package org.criuatlas.logging;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Where CRIU Atlas logs, set up once at start by the entry point. Code logs through the JDK's
 * {@link System.Logger} facade ({@code System.getLogger(Foo.class.getName())}); this class routes it to
 * java.util.logging with a rotating file in the user's state directory
 * ({@code $XDG_STATE_HOME/criu-atlas}, else {@code ~/.local/state/criu-atlas}) and, with {@code --debug},
 * every detail on stderr too.
 *
 * <p>Why System.Logger + java.util.logging and not SLF4J + a backend: nothing to add to the class path
 * (the window's start-up stays as it is), JavaFX and the JDK already log through System.Logger so their
 * messages land in the same file, and FileHandler rotates by size on its own ({@link #FILE_LIMIT} bytes,
 * {@link #FILE_COUNT} files). The price is a plainer configuration API, which this class hides.
 */
public final class AtlasLog {
    /** Overrides the state directory (tests point it under target/). */
    public static final String STATE_DIR_PROPERTY = "criuatlas.stateDir";
    /** A log file is rotated at this size... */
    public static final int FILE_LIMIT = 2 * 1024 * 1024;
    /** ...and this many are kept (criu-atlas.0.log is the newest). */
    public static final int FILE_COUNT = 5;

    private static volatile Path configuredFile;

    private AtlasLog() {}

    /** The folder for the log: $XDG_STATE_HOME/criu-atlas, else ~/.local/state/criu-atlas. */
    public static Path stateDirectory() {
        return stateDirectory(System.getProperty(STATE_DIR_PROPERTY), System.getenv("XDG_STATE_HOME"), System.getProperty("user.home"));
    }

    /** The rule of {@link #stateDirectory()}: an override, else an absolute XDG_STATE_HOME (the spec ignores a relative one), else the home's. */
    static Path stateDirectory(String override, String xdgStateHome, String home) {
        if (override != null && !override.isBlank()) return Path.of(override);
        if (xdgStateHome != null && !xdgStateHome.isBlank() && Path.of(xdgStateHome).isAbsolute()) return Path.of(xdgStateHome, "criu-atlas");
        return Path.of(home, ".local", "state", "criu-atlas");
    }

    /** The current log file (the newest of the rotation), whether or not logging was set up yet. */
    public static Path file() {
        Path f = configuredFile;
        return f != null ? f : stateDirectory().resolve("criu-atlas.0.log");
    }

    /** True once {@link #configure} (or, after {@link #configureOnFirstUse}, the first record) has opened the file. */
    public static synchronized boolean fileOpen() {
        return configuredFile != null;
    }

    /**
     * Sends every System.Logger message of CRIU Atlas to the log file (INFO and above; everything with
     * {@code debug}), and with {@code debug} to stderr as well. Without a writable state directory the
     * messages go to stderr only (WARNING and above, or everything with {@code debug}). Call once, first
     * thing in main; a second call changes the level only.
     */
    public static synchronized void configure(boolean debug) {
        Logger root = LogManager.getLogManager().getLogger("");
        Level level = debug ? Level.ALL : Level.INFO;
        root.setLevel(level);
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
            h.close();
        }
        Formatter oneLine = new OneLine();
        FileHandler fh = openFile(level, oneLine);
        if (fh != null) root.addHandler(fh);
        if (debug || fh == null) root.addHandler(console(debug ? Level.ALL : Level.WARNING, oneLine));
        System.getLogger(AtlasLog.class.getName()).log(System.Logger.Level.DEBUG,
                () -> "logging to " + (configuredFile != null ? configuredFile : "stderr only") + (debug ? " (debug)" : ""));
    }

    /**
     * What {@link #configure configure(false)} sets up, done by java.util.logging itself the first time
     * anything logs (through System.Logger, java.util.logging or the JDK's own loggers), not now. For
     * the headless commands, where it matters: setting java.util.logging up costs a short-lived JVM
     * ~60 ms (of which ~20 ms is the JDK looking for a {@code System.LoggerFinder} in every jar of the
     * class path), and a dump or restore logs its first line only once criu runs, when this JVM has
     * a core to spare. Call before anything logs; the log file gets the same records either way.
     */
    public static void configureOnFirstUse() {
        System.setProperty(CONFIG_CLASS_PROPERTY, OnFirstUse.class.getName());
    }

    /** The JDK's hook: the class java.util.logging instantiates to configure itself, when it starts. */
    static final String CONFIG_CLASS_PROPERTY = "java.util.logging.config.class";

    /**
     * Named by {@link #configureOnFirstUse()} to java.util.logging, which makes one while it starts: the
     * root logger at INFO with one {@link FileOrStderr} handler (made when the first record comes).
     */
    public static final class OnFirstUse {
        public OnFirstUse() throws IOException {
            String config = "handlers=" + FileOrStderr.class.getName() + "\n.level=INFO\n";
            LogManager.getLogManager().readConfiguration(new ByteArrayInputStream(config.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** {@link #configure configure(false)}'s handlers as one, for java.util.logging to make by name: the file at INFO, else stderr at WARNING. */
    public static final class FileOrStderr extends Handler {
        private final Handler out;

        public FileOrStderr() {
            Formatter oneLine = new OneLine();
            Handler fh;
            synchronized (AtlasLog.class) {
                fh = openFile(Level.INFO, oneLine);
            }
            out = fh != null ? fh : console(Level.WARNING, oneLine);
        }

        @Override
        public void publish(LogRecord r) {
            out.publish(r);
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() {
            out.close();
        }
    }

    /** The rotating log file at {@code level}, or null (and no {@link #file()}) when the state directory is not writable. */
    private static FileHandler openFile(Level level, Formatter formatter) {
        try {
            Path dir = stateDirectory();
            Files.createDirectories(dir);
            FileHandler fh = new FileHandler(dir.resolve("criu-atlas.%g.log").toString(), FILE_LIMIT, FILE_COUNT, true);
            fh.setFormatter(formatter);
            fh.setLevel(level);
            fh.setEncoding("UTF-8");
            configuredFile = dir.resolve("criu-atlas.0.log");
            return fh;
        } catch (IOException | RuntimeException e) {
            configuredFile = null;
            return null;
        }
    }

    private static ConsoleHandler console(Level level, Formatter formatter) {
        ConsoleHandler ch = new ConsoleHandler(); // stderr
        ch.setFormatter(formatter);
        ch.setLevel(level);
        return ch;
    }

    /** {@code 2026-12-05T08:01:02.345Z INFO org.criuatlas.restore.RestoreRunner: message}, then the stack trace. */
    static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder b = new StringBuilder(160);
            b.append(r.getInstant()).append(' ').append(r.getLevel().getName()).append(' ')
                    .append(r.getLoggerName()).append(": ").append(formatMessage(r)).append('\n');
            if (r.getThrown() != null) {
                java.io.StringWriter w = new java.io.StringWriter();
                r.getThrown().printStackTrace(new java.io.PrintWriter(w));
                b.append(w);
            }
            return b.toString();
        }
    }
}
