package org.criuatlas.cli;

import org.criuatlas.model.IpcGraph;

/**
 * One live snapshot of the machine for headless commands. The scanner lives in the bridge
 * (org.criuatlas.bridge.scan.LiveScanner); it is looked up by name so this command builds before
 * the scanner is merged, and reports plainly when it is missing.
 */
final class LiveGraph {
    private LiveGraph() {}

    static IpcGraph scan() {
        try {
            Class<?> c = Class.forName("org.criuatlas.bridge.scan.LiveScanner");
            Object scanner = c.getConstructor().newInstance();
            try {
                return (IpcGraph) c.getMethod("scan").invoke(scanner);
            } finally {
                if (scanner instanceof AutoCloseable a) a.close();
            }
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("this build has no live scanner (org.criuatlas.bridge.scan.LiveScanner)");
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable t = e.getCause();
            throw new IllegalStateException(t.getMessage() == null ? t.toString() : t.getMessage(), t);
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }
}
