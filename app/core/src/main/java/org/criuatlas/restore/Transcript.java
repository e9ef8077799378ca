package org.criuatlas.restore;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What a console end received (its last {@code limit} characters) and who is told: the one shape of a console
 * kept here ({@link ConsoleEnd}) and of one a bridge keeps and streams ({@code RemoteKeptWiring.Streamed}). A
 * read joins the text and goes to the listeners of that instant; {@link #listen} hands over the text so far and
 * adds the listener at one instant, so every later read reaches it and none in that text does.
 *
 * @param <L> the listener type of the end
 */
public final class Transcript<L> {
    private final int limit;
    private final StringBuilder text = new StringBuilder();
    private final List<L> listeners = new CopyOnWriteArrayList<>();

    public Transcript(int limit) {
        if (limit <= 0) throw new IllegalArgumentException("limit " + limit);
        this.limit = limit;
    }

    /** Adds {@code s} (the oldest text goes past the limit); returns the listeners to tell about it, as of this instant. */
    public List<L> append(String s) {
        synchronized (text) {
            text.append(s);
            if (text.length() > limit) text.delete(0, text.length() - limit);
            return List.copyOf(listeners);
        }
    }

    /** The text so far. */
    public String text() {
        synchronized (text) {
            return text.toString();
        }
    }

    /** Adds {@code l} and returns the text so far, at one instant. */
    public String listen(L l) {
        synchronized (text) {
            listeners.add(l);
            return text.toString();
        }
    }

    public void add(L l) { listeners.add(l); }

    public void remove(L l) { listeners.remove(l); }

    /** Tells every listener of now; a listener that throws is skipped (a broken view must not stop the console). */
    public void tell(Consumer<L> what) {
        tell(listeners, what);
    }

    /** Tells each of {@code to} (from {@link #append}); a listener that throws is skipped. */
    public static <L> void tell(Iterable<L> to, Consumer<L> what) {
        for (L l : to) {
            try {
                what.accept(l);
            } catch (RuntimeException ignored) {
                // a broken listener must not stop the console
            }
        }
    }
}
