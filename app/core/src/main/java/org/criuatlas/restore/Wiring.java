package org.criuatlas.restore;

import java.util.List;

/** The live ends of a successful restore: consoles, commands, relays. Closing it stops them all. */
public final class Wiring implements AutoCloseable {
    private final List<WiredEnd> ends;

    Wiring(List<WiredEnd> ends) {
        this.ends = List.copyOf(ends);
    }

    public static Wiring empty() { return new Wiring(List.of()); }

    public List<WiredEnd> ends() { return ends; }

    public List<ConsoleEnd> consoles() {
        return ends.stream().filter(e -> e instanceof ConsoleEnd).map(e -> (ConsoleEnd) e).toList();
    }

    public ConsoleEnd console(String key) {
        return consoles().stream().filter(c -> c.key().equals(key)).findFirst().orElse(null);
    }

    @Override
    public void close() {
        for (WiredEnd e : ends) {
            try {
                e.close();
            } catch (RuntimeException ignored) {
                // close the rest anyway
            }
        }
    }
}
