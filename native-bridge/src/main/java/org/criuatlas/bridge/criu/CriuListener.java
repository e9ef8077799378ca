package org.criuatlas.bridge.criu;

/** Receives a session's events. Called on background threads: hop to the FX thread yourself. */
@FunctionalInterface
public interface CriuListener {
    void onEvent(CriuEvent event);

    CriuListener NONE = e -> {};
}
