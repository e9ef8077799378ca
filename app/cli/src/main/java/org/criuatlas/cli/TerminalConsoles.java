package org.criuatlas.cli;

import org.criuatlas.host.KeptEnd;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The consoles a restore kept, joined to this terminal while {@code restore --host} or {@code migrate} waits for
 * the restored tree: what the tree writes to a console is printed on stdout (prefixed with the console's key when
 * there are several), and what is typed goes to the console that takes text, when there is exactly one (with
 * several, typing here could not say which: the window's restore board has a tab for each). A console a bridge on
 * another host keeps is streamed here (the bridge's {@code console} verb), one kept in this process is read here;
 * either way through {@link KeptEnd}. Commands and relays only describe themselves and are left alone.
 */
public final class TerminalConsoles implements AutoCloseable {
    private final PrintStream out;
    private final List<Runnable> detach = new ArrayList<>();
    private volatile boolean closed;
    /** Guarded by {@code out}: the console printed last, and whether the terminal is at the start of a line. */
    private KeptEnd last;
    private boolean lineStart = true;

    private TerminalConsoles(PrintStream out) {
        this.out = out;
    }

    /**
     * Joins the consoles among {@code ends} to {@code in} and {@code out}, saying on {@code err} what it joined.
     * Returns at once; {@link #close} stops printing and typing.
     */
    public static TerminalConsoles attach(List<? extends KeptEnd> ends, InputStream in, PrintStream out, PrintStream err) {
        TerminalConsoles t = new TerminalConsoles(out);
        List<KeptEnd> consoles = ends.stream().filter(KeptEnd::console).map(e -> (KeptEnd) e).toList();
        List<KeptEnd> readers = consoles.stream().filter(KeptEnd::canReceive).toList();
        List<KeptEnd> writers = consoles.stream().filter(KeptEnd::canSend).toList();
        for (KeptEnd e : readers) t.print(e, readers.size() > 1, err);
        if (writers.size() == 1) {
            KeptEnd w = writers.get(0);
            err.println("criu-atlas: console " + w.key() + " is joined to this terminal: what the tree writes there shows here,"
                    + " and what you type goes to it");
            t.type(w, in, err);
        } else if (writers.size() > 1) {
            err.println("criu-atlas: " + writers.size() + " consoles take text; what you type here goes to none of them"
                    + " (the window's restore board has a tab for each); what they write shows here after their key");
        } else if (!readers.isEmpty()) {
            err.println("criu-atlas: what the tree writes to " + String.join(", ", readers.stream().map(KeptEnd::key).toList())
                    + " shows here");
        }
        return t;
    }

    /** Prints what {@code e} has read so far and everything it reads from now on; says when it ends. */
    private void print(KeptEnd e, boolean prefixed, PrintStream err) {
        KeptEnd.Listener l = new KeptEnd.Listener() {
            @Override
            public void received(String text) {
                write(e, text, prefixed);
            }

            @Override
            public void ended(String why) {
                if (!closed) err.println("criu-atlas: console " + e.key() + " ended: " + why);
            }
        };
        String sofar = e.listen(l);
        detach.add(() -> e.removeListener(l));
        if (!sofar.isEmpty()) write(e, sofar, prefixed);
    }

    /** Prints {@code text}; with {@code prefixed}, each line after the console's key, a line another console began ended first. */
    private void write(KeptEnd e, String text, boolean prefixed) {
        if (closed || text.isEmpty()) return;
        synchronized (out) {
            if (!prefixed) {
                out.print(text);
            } else {
                StringBuilder b = new StringBuilder();
                if (last != e && !lineStart) b.append('\n');
                if (last != e) lineStart = true;
                for (int i = 0; i < text.length(); i++) {
                    if (lineStart) b.append('[').append(e.key()).append("] ");
                    char c = text.charAt(i);
                    b.append(c);
                    lineStart = c == '\n';
                }
                out.print(b);
            }
            last = e;
            out.flush();
        }
    }

    /** Sends what {@code in} gives to {@code e}, as it comes, until {@code in} ends or this closes (a daemon thread). */
    private void type(KeptEnd e, InputStream in, PrintStream err) {
        Thread t = new Thread(() -> {
            char[] buf = new char[4096];
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                int n;
                while (!closed && (n = r.read(buf)) > 0) e.send(new String(buf, 0, n));
            } catch (IOException | RuntimeException x) {
                if (!closed) err.println("criu-atlas: typing into console " + e.key() + " stopped: " + x.getMessage());
            }
        }, "terminal-to-" + e.key());
        t.setDaemon(true); // a read of the terminal cannot be interrupted: the command ends without waiting for it
        t.start();
    }

    @Override
    public void close() {
        closed = true;
        detach.forEach(Runnable::run);
        synchronized (out) {
            out.flush();
        }
    }
}
