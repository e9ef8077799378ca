package org.criuatlas.ui.restore.vm;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.criuatlas.plan.restore.Destination;

/** What one row of the board shows; the board model updates it, the view binds to it. */
public final class WiringRowModel {
    private final ReadOnlyStringWrapper key = new ReadOnlyStringWrapper(this, "key", "");
    private final ReadOnlyStringWrapper object = new ReadOnlyStringWrapper(this, "object", "");
    private final ReadOnlyStringWrapper replacement = new ReadOnlyStringWrapper(this, "replacement", "");
    private final ReadOnlyStringWrapper criuFd = new ReadOnlyStringWrapper(this, "criuFd", "");
    private final ReadOnlyStringWrapper inherit = new ReadOnlyStringWrapper(this, "inherit", "");
    private final ReadOnlyObjectWrapper<Destination.Kind> destination = new ReadOnlyObjectWrapper<>(this, "destination", Destination.Kind.NONE);
    private final ReadOnlyStringWrapper argument = new ReadOnlyStringWrapper(this, "argument", "");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ReadOnlyBooleanWrapper error = new ReadOnlyBooleanWrapper(this, "error", false);
    private final ReadOnlyBooleanWrapper reconnectPossible = new ReadOnlyBooleanWrapper(this, "reconnectPossible", false);

    public ReadOnlyStringProperty keyProperty() { return key.getReadOnlyProperty(); }
    public ReadOnlyStringProperty objectProperty() { return object.getReadOnlyProperty(); }
    public ReadOnlyStringProperty replacementProperty() { return replacement.getReadOnlyProperty(); }
    /** The accepted criu fd number, as text. */
    public ReadOnlyStringProperty criuFdProperty() { return criuFd.getReadOnlyProperty(); }
    /** {@code --inherit-fd fd[N]:KEY}, or what happens instead. */
    public ReadOnlyStringProperty inheritProperty() { return inherit.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<Destination.Kind> destinationProperty() { return destination.getReadOnlyProperty(); }
    public ReadOnlyStringProperty argumentProperty() { return argument.getReadOnlyProperty(); }
    /** A rejected edit, else what blocks or is worth knowing about the row; empty when nothing. */
    public ReadOnlyStringProperty messageProperty() { return message.getReadOnlyProperty(); }
    /** True when the message is a rejection or blocks the restore. */
    public ReadOnlyBooleanProperty errorProperty() { return error.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty reconnectPossibleProperty() { return reconnectPossible.getReadOnlyProperty(); }

    void set(String key, String object, String replacement, int fd, String inherit, Destination d, boolean reconnectOk,
             String message, boolean error) {
        this.key.set(key);
        this.object.set(object);
        this.replacement.set(replacement);
        this.criuFd.set(Integer.toString(fd));
        this.inherit.set(inherit);
        this.destination.set(d.kind());
        this.argument.set(d.argument());
        this.reconnectPossible.set(reconnectOk);
        this.message.set(message);
        this.error.set(error);
    }
}
