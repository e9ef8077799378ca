package org.criuatlas.host;

import org.criuatlas.restore.ConsoleEnd;
import org.criuatlas.restore.WiredEnd;
import org.criuatlas.restore.Wiring;

import java.util.List;

/** The kept ends of a restore made in this process, as {@link KeptEnd} streams. */
final class LocalKeptWiring implements KeptWiring {
    private final Wiring wiring;
    private final List<KeptEnd> ends;

    LocalKeptWiring(Wiring wiring) {
        this.wiring = wiring;
        this.ends = wiring.ends().stream().map(LocalKeptWiring::end).toList();
    }

    @Override
    public List<KeptEnd> ends() { return ends; }

    @Override
    public void close() { wiring.close(); }

    private static KeptEnd end(WiredEnd e) {
        return e instanceof ConsoleEnd c ? new Console(c) : new Other(e);
    }

    private record Console(ConsoleEnd end, java.util.Map<Listener, ConsoleEnd.Listener> adapters) implements KeptEnd {
        Console(ConsoleEnd end) {
            this(end, new java.util.concurrent.ConcurrentHashMap<>());
        }

        @Override public String key() { return end.key(); }
        @Override public int criuFd() { return end.criuFd(); }
        @Override public String describe() { return end.describe(); }
        @Override public boolean console() { return true; }
        @Override public boolean canSend() { return end.canSend(); }
        @Override public boolean canReceive() { return end.canReceive(); }
        @Override public String transcript() { return end.transcript(); }
        @Override public long bytesReceived() { return end.bytesReceived(); }
        @Override public void send(String text) { end.send(text); }
        @Override public String ended() { return end.ended(); }
        @Override public long bytesSent() { return end.bytesSent(); }

        @Override
        public void addListener(Listener l) {
            end.addListener(adapter(l));
        }

        @Override
        public String listen(Listener l) {
            return end.listen(adapter(l));
        }

        @Override
        public void removeListener(Listener l) {
            ConsoleEnd.Listener a = adapters.remove(l);
            if (a != null) end.removeListener(a);
        }

        private ConsoleEnd.Listener adapter(Listener l) {
            return adapters.computeIfAbsent(l, x -> new ConsoleEnd.Listener() {
                @Override public void received(String text) { l.received(text); }
                @Override public void counted(long in, long out) { l.counted(in, out); }
                @Override public void ended(String why) { l.ended(why); }
            });
        }
    }

    /** A command or a relay: it runs by itself; the board only shows what it is. */
    private record Other(WiredEnd end) implements DescribedEnd {
        @Override public String key() { return end.key(); }
        @Override public int criuFd() { return end.criuFd(); }
        @Override public String describe() { return end.describe(); }
    }
}
