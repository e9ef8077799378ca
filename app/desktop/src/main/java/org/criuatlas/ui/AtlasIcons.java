package org.criuatlas.ui;

import javafx.scene.image.Image;
import javafx.stage.Stage;

/** The app icon (resources/icons, drawn for CRIU Atlas) in the sizes a window manager picks from. */
public final class AtlasIcons {
    static final int[] SIZES = {16, 32, 48, 64, 128, 256};

    private AtlasIcons() {}

    /** The class-path URL of the icon at {@code size} pixels. */
    public static String url(int size) {
        var u = AtlasIcons.class.getResource("/org/criuatlas/icons/criu-atlas-" + size + ".png");
        if (u == null) throw new IllegalStateException("icon " + size + " px is missing: the resources module was not built");
        return u.toExternalForm();
    }

    /** Sets the window's icons (taskbar, Alt-Tab); loading happens in the background. */
    public static void install(Stage stage) {
        for (int s : SIZES) stage.getIcons().add(new Image(url(s), true));
    }
}
