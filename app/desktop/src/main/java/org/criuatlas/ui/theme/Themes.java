package org.criuatlas.ui.theme;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Dialog;

import java.util.List;

/**
 * The theme of the whole application: every window, dialog and alert is styled through
 * {@link #style}, so all of them follow the theme when it changes (the main window's toggle, Ctrl+D)
 * and none carries colours of its own. One instance per application.
 */
public final class Themes {
    private final ObjectProperty<Theme> theme = new SimpleObjectProperty<>(this, "theme", Theme.LIGHT);

    public Themes() {}

    public Themes(Theme initial) {
        theme.set(initial == null ? Theme.LIGHT : initial);
    }

    public ObjectProperty<Theme> themeProperty() { return theme; }

    public Theme get() { return theme.get(); }

    public void set(Theme t) { theme.set(t == null ? Theme.LIGHT : t); }

    /** Styles {@code scene} with the current theme, and again whenever it changes. */
    public Scene style(Scene scene) {
        apply(scene.getStylesheets());
        theme.addListener(new WeakListener(scene.getStylesheets(), this));
        return scene;
    }

    /** Styles a dialog's pane (alerts have a scene of their own). */
    public <D extends Dialog<?>> D style(D dialog) {
        Parent pane = dialog.getDialogPane();
        apply(pane.getStylesheets());
        theme.addListener(new WeakListener(pane.getStylesheets(), this));
        return dialog;
    }

    private void apply(List<String> sheets) {
        String url = theme.get().stylesheetUrl();
        if (url != null) { sheets.clear(); sheets.add(url); }
        else sheets.clear();
    }

    /**
     * Keeps a closed window's stylesheets collectable: the listener holds them weakly and removes
     * itself once they are gone.
     */
    private static final class WeakListener implements javafx.beans.value.ChangeListener<Theme> {
        private final java.lang.ref.WeakReference<List<String>> sheets;
        private final Themes owner;

        WeakListener(List<String> sheets, Themes owner) {
            this.sheets = new java.lang.ref.WeakReference<>(sheets);
            this.owner = owner;
        }

        @Override
        public void changed(javafx.beans.value.ObservableValue<? extends Theme> o, Theme a, Theme b) {
            List<String> s = sheets.get();
            if (s == null) {
                o.removeListener(this);
                return;
            }
            owner.apply(s);
        }
    }
}
