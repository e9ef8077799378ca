package org.criuatlas.ui;

import javafx.scene.control.TextInputDialog;
import javafx.stage.Window;

import java.io.File;
import java.util.Optional;

/**
 * Asks for a path on another host, in a host's window: that host's file system is not this desktop's, so the OS file
 * dialog (which browses this machine) is not offered there. An absolute path is returned; anything else, or Cancel,
 * is null.
 */
final class HostPathPrompt {
    public static final String ID_PATH = "host-path";

    private HostPathPrompt() {}

    /** Another host's window: its image folders, archives and container archives are typed as paths there, not browsed. */
    static void wire(ImagesController images, ContainerController containers, org.criuatlas.ui.theme.Themes themes, String host) {
        images.setDirectoryChooser(on(themes, host, "An image folder"));
        images.setArchiveChooser(on(themes, host, "A checkpoint archive"));
        containers.setArchiveChooser(on(themes, host, "The archive"));
    }

    /** A chooser for {@code what} ("An image folder", "A checkpoint archive") on {@code host}, for the controllers' chooser seams. */
    static java.util.function.Function<Window, File> on(org.criuatlas.ui.theme.Themes themes, String host, String what) {
        return owner -> ask(owner, themes, host, what);
    }

    static File ask(Window owner, org.criuatlas.ui.theme.Themes themes, String host, String what) {
        TextInputDialog d = themes.style(new TextInputDialog());
        d.initOwner(owner);
        d.setTitle(what + " on " + host);
        d.setHeaderText(what + " on " + host + ": its path there.\nThis desktop's file dialog cannot browse another host.");
        d.getEditor().setId(ID_PATH);
        d.getEditor().setPromptText("/path/on/" + host);
        Optional<String> r = d.showAndWait();
        return r.map(String::strip).filter(s -> s.startsWith("/")).map(File::new).orElse(null);
    }
}
