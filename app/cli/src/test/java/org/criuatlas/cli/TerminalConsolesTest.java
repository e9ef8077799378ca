package org.criuatlas.cli;

import org.criuatlas.host.KeptEnd;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/** How several consoles share one terminal (the real stream over ssh: MigrationSshTest). */
class TerminalConsolesTest {
    /** An end that prints what a test makes it read and keeps what is sent to it. */
    static final class Scripted implements KeptEnd {
        final String key;
        final boolean sends;
        final List<Listener> listeners = new CopyOnWriteArrayList<>();
        final StringBuilder sent = new StringBuilder();
        String sofar = "";

        Scripted(String key, boolean sends) {
            this.key = key;
            this.sends = sends;
        }

        void read(String text) {
            listeners.forEach(l -> l.received(text));
        }

        @Override public String key() { return key; }
        @Override public int criuFd() { return 3; }
        @Override public String describe() { return "a console"; }
        @Override public boolean console() { return true; }
        @Override public boolean canSend() { return sends; }
        @Override public boolean canReceive() { return true; }
        @Override public String transcript() { return sofar; }
        @Override public long bytesReceived() { return 0; }
        @Override public synchronized void send(String text) { sent.append(text); }
        @Override public void addListener(Listener l) { listeners.add(l); }
        @Override public void removeListener(Listener l) { listeners.remove(l); }
    }

    private static final InputStream TYPED = new ByteArrayInputStream("typed\n".getBytes(StandardCharsets.UTF_8));

    @Test
    void severalConsolesArePrintedLineByLineAfterTheirKeyAndTypingGoesToNone() {
        Scripted a = new Scripted("pipe:[1]", true), b = new Scripted("socket:[2]", true);
        a.sofar = "earlier\n";
        ByteArrayOutputStream shown = new ByteArrayOutputStream(), said = new ByteArrayOutputStream();
        try (TerminalConsoles t = TerminalConsoles.attach(List.of(a, b), TYPED, new PrintStream(shown, true, StandardCharsets.UTF_8),
                new PrintStream(said, true, StandardCharsets.UTF_8))) {
            a.read("one\ntw");
            b.read("x\n");
            a.read("o\n");
        }
        a.read("after close\n");
        assertEquals("[pipe:[1]] earlier\n[pipe:[1]] one\n[pipe:[1]] tw\n[socket:[2]] x\n[pipe:[1]] o\n", shown.toString(StandardCharsets.UTF_8));
        assertTrue(said.toString(StandardCharsets.UTF_8).contains("2 consoles take text; what you type here goes to none of them"));
        assertEquals("", a.sent.toString());
        assertEquals("", b.sent.toString());
        assertTrue(a.listeners.isEmpty() && b.listeners.isEmpty(), "closing lets the consoles go");
    }

    @Test
    void oneConsoleIsPrintedAsItIs() {
        Scripted a = new Scripted("pipe:[1]", false);
        ByteArrayOutputStream shown = new ByteArrayOutputStream(), said = new ByteArrayOutputStream();
        try (TerminalConsoles t = TerminalConsoles.attach(List.of(a), TYPED, new PrintStream(shown, true, StandardCharsets.UTF_8),
                new PrintStream(said, true, StandardCharsets.UTF_8))) {
            a.read("no prefix\n");
        }
        assertEquals("no prefix\n", shown.toString(StandardCharsets.UTF_8));
        assertTrue(said.toString(StandardCharsets.UTF_8).contains("what the tree writes to pipe:[1] shows here"));
    }
    @Test
    void inTheBackgroundOfItsTerminalNothingIsReadFromStdin() {
        Scripted a = new Scripted("socket:[3]", true);
        InputStream neverRead = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("stdin was read");
            }
        };
        ByteArrayOutputStream shown = new ByteArrayOutputStream(), said = new ByteArrayOutputStream();
        try (TerminalConsoles t = TerminalConsoles.attach(List.of(a), neverRead, new PrintStream(shown, true, StandardCharsets.UTF_8),
                new PrintStream(said, true, StandardCharsets.UTF_8), false)) {
            a.read("still shown\n");
        }
        assertEquals("still shown\n", shown.toString(StandardCharsets.UTF_8));
        assertTrue(said.toString(StandardCharsets.UTF_8).contains("runs in the background of its terminal"), said.toString());
        assertEquals("", a.sent.toString());
    }

    /** A terminal whose output is paused (XOFF, a stopped pager) never holds up the thread that delivers the console's text. */
    @Test
    void aPausedTerminalCostsABoundedQueueAndSaysWhatItLeftOut() throws Exception {
        Scripted a = new Scripted("pipe:[4]", false);
        java.util.concurrent.CountDownLatch paused = new java.util.concurrent.CountDownLatch(1);
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        java.io.OutputStream terminal = new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                try {
                    paused.await();
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
                shown.write(b, off, len);
            }
        };
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        String chunk = "x".repeat(1023) + "\n";
        try (TerminalConsoles t = TerminalConsoles.attach(List.of(a), TYPED, new PrintStream(terminal, false, StandardCharsets.UTF_8),
                new PrintStream(said, true, StandardCharsets.UTF_8))) {
            for (int i = 0; i < 3 * 1024; i++) a.read(chunk); // 3 MiB while the terminal prints nothing: this thread never waits
            paused.countDown();
        }
        String text = shown.toString(StandardCharsets.UTF_8);
        assertTrue(text.length() < 3 * 1024 * 1024 && text.length() <= TerminalConsoles.MAX_QUEUED + 2 * chunk.length() + 200,
                "printed: " + text.length());
        assertTrue(text.startsWith(chunk), "what came first is printed");
        assertTrue(text.matches("(?s).*\\[criu-atlas: [0-9]+ characters not shown: this terminal was not reading\\]\n"),
                "said last: " + text.substring(Math.max(0, text.length() - 120)));
    }
}
