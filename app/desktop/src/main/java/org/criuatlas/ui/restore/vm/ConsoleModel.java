package org.criuatlas.ui.restore.vm;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.criuatlas.host.KeptEnd;
import org.criuatlas.ui.fx.Batched;

import java.util.concurrent.Executor;

/**
 * One console tab's state: the transcript (what the user sent and what came back, each line marked),
 * the received text, byte counters, and whether it can still send.
 * Traffic arrives on the console's thread and reaches the UI executor in batches (many small reads
 * become one update); sends run on the background executor (a full socket buffer must not freeze
 * the window).
 */
public final class ConsoleModel {
    private final KeptEnd end;
    private final Executor ui, background;
    private final ReadOnlyStringWrapper received = new ReadOnlyStringWrapper(this, "received", "");
    private final ReadOnlyLongWrapper bytesIn = new ReadOnlyLongWrapper(this, "bytesIn", 0);
    private final ReadOnlyLongWrapper bytesOut = new ReadOnlyLongWrapper(this, "bytesOut", 0);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "open");
    private final ReadOnlyBooleanWrapper canSend = new ReadOnlyBooleanWrapper(this, "canSend", false);
    private final ConsoleTranscript transcript = new ConsoleTranscript();
    private final Batched<String> incoming;

    ConsoleModel(KeptEnd end, Executor ui, Executor background) {
        this.end = end;
        this.ui = ui;
        this.background = background;
        this.incoming = new Batched<>(ui, this::show);
        canSend.set(end.canSend());
        // the text so far and every later read, none twice (a read meanwhile reaches the listener only)
        String already = end.listen(new KeptEnd.Listener() {
            @Override
            public void received(String text) {
                incoming.add(text);
            }

            @Override
            public void counted(long in, long out) {
                ui.execute(() -> {
                    bytesIn.set(Math.max(bytesIn.get(), in));
                    bytesOut.set(Math.max(bytesOut.get(), out));
                });
            }

            @Override
            public void ended(String why) {
                ui.execute(() -> {
                    status.set("ended: " + why);
                    canSend.set(false);
                });
            }
        });
        received.set(already);
        transcript.received(already);
        bytesIn.set(end.bytesReceived());
        bytesOut.set(end.bytesSent());
        String why = end.ended();
        if (why != null) {
            status.set("ended: " + why);
            canSend.set(false);
        }
    }

    private void show(java.util.List<String> parts) {
        String t = String.join("", parts);
        String all = received.get() + t;
        if (all.length() > KeptEnd.TRANSCRIPT_LIMIT) all = all.substring(all.length() - KeptEnd.TRANSCRIPT_LIMIT);
        received.set(all);
        transcript.received(t);
    }

    public String key() { return end.key(); }

    /** Who keeps the end when it is not this window (a bridge, here or on another host); null when it is. */
    public String keptBy() { return end.keptBy(); }

    /** Sent and received lines in order; changes on the UI executor, at most once per batch of traffic. */
    public ConsoleTranscript transcript() { return transcript; }
    /** What the restored process wrote, as text. */
    public ReadOnlyStringProperty receivedProperty() { return received.getReadOnlyProperty(); }
    public ReadOnlyLongProperty bytesInProperty() { return bytesIn.getReadOnlyProperty(); }
    public ReadOnlyLongProperty bytesOutProperty() { return bytesOut.getReadOnlyProperty(); }
    public ReadOnlyStringProperty statusProperty() { return status.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty canSendProperty() { return canSend.getReadOnlyProperty(); }

    /** Sends a line of text (a newline is added) in the background; on the UI executor. */
    public void sendLine(String text) {
        if (!canSend.get()) return;
        incoming.flush(); // what came before the line is shown before it
        transcript.sent(text);
        String line = text + "\n";
        background.execute(() -> {
            try {
                end.send(line);
            } catch (RuntimeException e) {
                ui.execute(() -> status.set("send failed: " + e.getMessage()));
            }
        });
    }
}
