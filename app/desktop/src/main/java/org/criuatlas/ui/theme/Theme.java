package org.criuatlas.ui.theme;


/** The two themes: one stylesheet each (resources/css), and the graph's raster palette to match. */
public enum Theme {
    LIGHT("/org/criuatlas/css/atlas-light.css", Palette.LIGHT),
    DARK("/org/criuatlas/css/atlas-dark.css", Palette.DARK);

    public final String stylesheet;
    public final Palette palette;

    Theme(String stylesheet, Palette palette) {
        this.stylesheet = stylesheet;
        this.palette = palette;
    }

    /** The stylesheet's URL, or null when the resources jar is missing from the class path. */
    public String stylesheetUrl() {
        var u = Theme.class.getResource(stylesheet);
        return u == null ? null : u.toExternalForm();
    }
}
