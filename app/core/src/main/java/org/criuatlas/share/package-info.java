/**
 * Sharing what CRIU Atlas sees: the snapshot as the one JSON model, as Graphviz DOT, the plan as
 * Markdown, and the bug-report bundle. Pure writers over the model and the planner's records (the
 * picture formats, PNG and SVG, are drawn by the desktop's {@code ui.export}, from the graph view's
 * own layout). Part of the core layer (see ArchitectureTest).
 */
package org.criuatlas.share;
