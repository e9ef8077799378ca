package org.criuatlas.cli;

import org.criuatlas.bridge.os.Terminal;
import org.criuatlas.host.KeptEnd;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The consoles a restore kept, joined to this terminal while {@code restore --host} or {@code migrate} waits for
 * the restored tree: what the tree writes to a console is printed on stdout (prefixed with the console's key when
 * there are several), and what is typed goes to the console that takes text, when there is exactly one (with
 * several, typing here could not say which: the window's restore board has a tab for each). A console a bridge on
 * another host keeps is streamed here (the bridge's {@code console} verb), one kept in this process is read here;
 * either way through {@link KeptEnd}. Commands and relays only describe themselves and are left alone.
 *
 * <p>Text is printed by a thread of its own from a bounded queue ({@value #MAX_QUEUED} characters): the thread that
 * delivers it (the bridge link's reader, or a console's reader) never waits for a paused terminal; what does not fit
 * is left out and said. Stdin is read only when that cannot stop the command: not when it is a terminal this
 * process runs in the background of (reading would stop it, SIGTTIN).
 */
public final class TerminalConsoles implements AutoCloseable {
    static final int MAX_QUEUED = 1 << 20;

    private final PrintStream out;
    private final List<Runnable> detach = new ArrayList<>();
    private final Thread printer;
    // guarded by this: what waits to be printed, how much, what was left out, the console printed last, line start
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private int queued;
    private long leftOut;
    private KeptEnd last;
    private boolean lineStart = true;
    private boolean closed;

    private TerminalConsoles(PrintStream out) {
        this.out = out;
        this.printer = new Thread(this::printAll, "terminal-consoles-out");
        printer.setDaemon(true);
    }

    /**
     * Joins the consoles among {@code ends} to {@code in} and {@code out}, saying on {@code err} what it joined.
     * Returns at once; {@link #close} stops printing and typing.
     */
    public static TerminalConsoles attach(List<? extends KeptEnd> ends, InputStream in, PrintStream out, PrintStream err) {
        return attach(ends, in, out, err, !Terminal.readingStdinWouldStop());
    }

    /** As above; {@code mayRead}: whether reading {@code in} is safe (see the class comment). */
    static TerminalConsoles attach(List<? extends KeptEnd> ends, InputStream in, PrintStream out, PrintStream err, boolean mayRead) {
        TerminalConsoles t = new TerminalConsoles(out);
        t.printer.start();
        List<KeptEnd> consoles = ends.stream().filter(KeptEnd::console).map(e -> (KeptEnd) e).toList();
        List<KeptEnd> readers = consoles.stream().filter(KeptEnd::canReceive).toList();
        List<KeptEnd> writers = consoles.stream().filter(KeptEnd::canSend).toList();
        for (KeptEnd e : readers) t.print(e, readers.size() > 1, err);
        if (writers.size() == 1 && mayRead) {
            KeptEnd w = writers.get(0);
            err.println("criu-atlas: console " + w.key() + " is joined to this terminal: what the tree writes there shows here,"
                    + " and what you type goes to it");
            t.type(w, in, err);
        } else if (writers.size() == 1) {
            err.println("criu-atlas: this command runs in the background of its terminal: what you type does not go to console "
                    + writers.get(0).key() + " (bring it to the foreground and run it again to type into it)");
        } else if (writers.size() > 1) {
            err.println("criu-atlas: " + writers.size() + " consoles take text; what you type here goes to none of them"
                    + " (the window's restore board has a tab for each); what they write shows here after their key");
        } else if (!readers.isEmpty()) {
            err.println("criu-atlas: what the tree writes to " + String.join(", ", readers.stream().map(KeptEnd::key).toList())
                    + " shows here");
        }
        return t;
    }

    /** Prints what {@code e} has read so far and everything it reads from now on, in that order; says when it ends. */
    private void print(KeptEnd e, boolean prefixed, PrintStream err) {
        KeptEnd.Listener l = new KeptEnd.Listener() {
            @Override
            public void received(String text) {
                add(e, text, prefixed);
            }

            @Override
            public void ended(String why) {
                if (!isClosed()) err.println("criu-atlas: console " + e.key() + " ended: " + why);
            }
        };
        // under this object's lock, so a read that comes while the text so far is queued waits behind it
        synchronized (this) {
            String sofar = e.listen(l);
            detach.add(() -> e.removeListener(l));
            add(e, sofar, prefixed);
        }
        String ended = e.ended();
        if (ended != null) err.println("criu-atlas: console " + e.key() + " has ended: " + ended);
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /** Queues {@code text}; with {@code prefixed}, each line after the console's key, a line another console began ended first. */
    private synchronized void add(KeptEnd e, String text, boolean prefixed) {
        if (closed || text.isEmpty()) return;
        String s = text;
        if (prefixed) {
            StringBuilder b = new StringBuilder();
            if (last != e && !lineStart) b.append('\n');
            if (last != e) lineStart = true;
            for (int i = 0; i < text.length(); i++) {
                if (lineStart) b.append('[').append(e.key()).append("] ");
                char c = text.charAt(i);
                b.append(c);
                lineStart = c == '\n';
            }
            s = b.toString();
        }
        last = e;
        if (queued + s.length() > MAX_QUEUED) { // the terminal is not being read (a paused output): left out, and said
            leftOut += s.length();
            return;
        }
        noteLeftOut();
        queue.add(s);
        queued += s.length();
        notifyAll();
    }

    /** Queues a line saying how much was left out, if anything was (guarded by this). */
    private void noteLeftOut() {
        if (leftOut == 0) return;
        String note = "\n[criu-atlas: " + leftOut + " characters not shown: this terminal was not reading]\n";
        queue.add(note);
        queued += note.length();
        leftOut = 0;
    }

    private void printAll() {
        while (true) {
            String s;
            synchronized (this) {
                while (queue.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (queue.isEmpty()) return; // closed, and everything queued before is printed
                s = queue.poll();
                queued -= s.length();
            }
            out.print(s);
            out.flush();
        }
    }

    /**
     * Sends what {@code in} gives to {@code e}, as it comes, until {@code in} ends, the console ends or this closes (a
     * daemon thread). A send that fails while the console is still open (a tree that reads nothing for a while) is said
     * and typing goes on. {@code in} is not closed: it is the command's stdin.
     */
    private void type(KeptEnd e, InputStream in, PrintStream err) {
        Thread t = new Thread(() -> {
            char[] buf = new char[4096];
            Reader r = new InputStreamReader(in, StandardCharsets.UTF_8);
            try {
                int n;
                while (!isClosed() && (n = r.read(buf)) > 0) {
                    try {
                        e.send(new String(buf, 0, n));
                    } catch (RuntimeException x) {
                        if (isClosed()) return;
                        err.println("criu-atlas: console " + e.key() + ": " + x.getMessage());
                        if (e.ended() != null) return;
                    }
                }
            } catch (IOException x) {
                if (!isClosed()) err.println("criu-atlas: typing into console " + e.key() + " stopped: " + x.getMessage());
            }
        }, "terminal-to-" + e.key());
        t.setDaemon(true); // a read of the terminal cannot be interrupted: the command ends without waiting for it
        t.start();
    }

    /** Stops taking text and typing; what was received before is printed first (waiting at most 5 s for the terminal). */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            noteLeftOut(); // the last thing printed: what the terminal missed
            notifyAll();
        }
        detach.forEach(Runnable::run);
        try {
            printer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
