package org.criuatlas.ui;

import org.criuatlas.ui.theme.Theme;
import javafx.stage.Stage;

import java.util.prefs.Preferences;

/** Remembers the window's place, size, dividers, theme and refresh interval (java.util.prefs). */
public final class WindowState {
    private final Preferences prefs;

    public WindowState(Preferences prefs) {
        this.prefs = prefs;
    }

    public static WindowState forApp() {
        return new WindowState(Preferences.userRoot().node("org/criuatlas/window"));
    }

    public void restore(Stage stage) {
        double w = prefs.getDouble("width", 1400), h = prefs.getDouble("height", 880);
        stage.setWidth(Math.max(640, w));
        stage.setHeight(Math.max(480, h));
        double x = prefs.getDouble("x", Double.NaN), y = prefs.getDouble("y", Double.NaN);
        if (!Double.isNaN(x) && !Double.isNaN(y)) {
            stage.setX(x);
            stage.setY(y);
        }
        stage.setMaximized(prefs.getBoolean("maximized", false));
    }

    public void save(Stage stage) {
        if (!stage.isMaximized()) {
            prefs.putDouble("width", stage.getWidth());
            prefs.putDouble("height", stage.getHeight());
            prefs.putDouble("x", stage.getX());
            prefs.putDouble("y", stage.getY());
        }
        prefs.putBoolean("maximized", stage.isMaximized());
    }

    public Theme theme() {
        try {
            return Theme.valueOf(prefs.get("theme", Theme.LIGHT.name()));
        } catch (IllegalArgumentException e) {
            return Theme.LIGHT;
        }
    }

    public void theme(Theme t) { prefs.put("theme", t.name()); }

    public int interval() { return prefs.getInt("interval", 5); }

    public void interval(int seconds) { prefs.putInt("interval", seconds); }

    public double[] loadDividers(String name, double[] dflt) {
        String s = prefs.get("dividers." + name, null);
        if (s == null) return dflt;
        try {
            String[] parts = s.split(",");
            if (parts.length != dflt.length) return dflt;
            double[] d = new double[parts.length];
            for (int i = 0; i < d.length; i++) d[i] = Double.parseDouble(parts[i]);
            return d;
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    public void saveDividers(String name, double[] d) {
        StringBuilder b = new StringBuilder();
        for (double x : d) b.append(b.length() == 0 ? "" : ",").append(x);
        prefs.put("dividers." + name, b.toString());
    }
}
