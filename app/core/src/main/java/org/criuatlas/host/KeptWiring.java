package org.criuatlas.host;

import java.util.List;

/** The live kept ends of a restored tree, on the host. Closing it stops them all (the tree sees them close). */
public interface KeptWiring extends AutoCloseable {
    List<KeptEnd> ends();

    /** The ends a person reads and writes (consoles). */
    default List<KeptEnd> consoles() {
        return ends().stream().filter(KeptEnd::console).toList();
    }

    @Override
    void close();

    KeptWiring NONE = new KeptWiring() {
        @Override public List<KeptEnd> ends() { return List.of(); }
        @Override public void close() {}
    };
}
