package org.criuatlas.ui;

import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.stage.Stage;
import org.criuatlas.host.bridge.BridgeHost;
import org.criuatlas.host.bridge.BridgeLauncher;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Hosts &gt; Add host… and the remembered hosts: each other machine gets a tab of the main window
 * ({@link HostTabs}) with its own explorer, a {@link MainWindow} like this machine's, over a bridge
 * reached with {@code ssh DEST criu-atlas bridge} (the OpenSSH client with the person's keys and config),
 * so every feature takes the same code path on every host. Each tab has its own menu bar, graph, status
 * bar (host, CRIU and its check, kernel), plans, dumps and close path. The Hosts menu of every tab lists
 * this machine, the open hosts and the remembered ones ({@link HostList}); closing a host's tab ends its
 * bridge. Connecting runs off the FX thread and can be cancelled.
 */
public final class HostsController {
    public static final String ID_MENU = "menu-hosts";
    public static final String ID_ADD = "menu-add-host";
    public static final String ID_THIS_MACHINE = "menu-this-machine";
    /** Then the destination: one item per open or remembered host. */
    public static final String ID_HOST = "menu-host-";
    public static final String ID_FORGET = "menu-forget-host";

    private final WindowServices services;
    private final Stage mainStage;
    private final HostTabs tabs;
    private final HostList list;
    /** Open hosts' explorers by destination; FX thread only. */
    private final Map<String, MainWindow> open = new LinkedHashMap<>();
    /** Every bridge a host's tab holds, for the application's end (read from its shut-down thread). */
    private final Set<BridgeHost> bridges = ConcurrentHashMap.newKeySet();
    /** FX thread only: newest first. */
    private List<String> remembered = List.of();
    private Consumer<MainWindow> onHostWindow = w -> {};
    private Consumer<AddHostDialog> onDialog = d -> {};

    HostsController(WindowServices services, AtlasApp.Window main, HostList list) {
        this.services = services;
        this.mainStage = main.stage();
        this.tabs = new HostTabs(main);
        this.list = list;
        services.background().execute(() -> {
            List<String> l = list.load();
            services.ui().execute(() -> setRemembered(l));
        });
    }

    /**
     * This window's Hosts menu (each window has its own; all show the same hosts). Filled again whenever
     * the hosts change, not as it opens: a popup filled while it shows can be laid out at its old size.
     */
    Menu menu() {
        Menu m = new Menu("Hosts");
        m.setId(ID_MENU);
        fill(m);
        javafx.beans.InvalidationListener refill = o -> fill(m);
        // the menu holds its listener; the weak one lets a closed window's menu go
        m.getProperties().put(HostsController.class, refill);
        changes.addListener(new javafx.beans.WeakInvalidationListener(refill));
        return m;
    }

    /** Counts changes of the open and remembered hosts (FX thread); the menus follow it. */
    private final javafx.beans.property.LongProperty changes = new javafx.beans.property.SimpleLongProperty();

    private void changed() {
        changes.set(changes.get() + 1);
    }

    private void setRemembered(List<String> l) {
        remembered = l;
        changed();
    }

    private void fill(Menu m) {
        MenuItem add = new MenuItem("Add host\u2026");
        add.setId(ID_ADD);
        add.setOnAction(e -> addHost(null));
        MenuItem here = new MenuItem("This machine");
        here.setId(ID_THIS_MACHINE);
        here.setOnAction(e -> show(null));
        List<MenuItem> items = new ArrayList<>(List.of(add, new SeparatorMenuItem(), here));
        Set<String> all = new LinkedHashSet<>(open.keySet());
        all.addAll(remembered);
        for (String dest : all) {
            MenuItem i = new MenuItem(open.containsKey(dest) ? dest + "  (open)" : dest);
            i.setId(ID_HOST + dest);
            i.setOnAction(e -> {
                MainWindow w = open.get(dest);
                if (w != null) show(w);
                else addHost(dest);
            });
            items.add(i);
        }
        List<String> forgettable = remembered.stream().filter(d -> !open.containsKey(d)).toList();
        if (!forgettable.isEmpty()) {
            Menu forget = new Menu("Forget");
            forget.setId(ID_FORGET);
            for (String dest : forgettable) {
                MenuItem f = new MenuItem(dest);
                f.setOnAction(e -> forget(dest));
                forget.getItems().add(f);
            }
            items.add(new SeparatorMenuItem());
            items.add(forget);
        }
        m.getItems().setAll(items);
    }

    /**
     * Opens the Add host dialog; with {@code dest} (a remembered host) it is filled in and connects at
     * once, so a host that does not answer says why in the same place, with Cancel.
     */
    AddHostDialog addHost(String dest) {
        AddHostDialog d = AddHostDialog.open(mainStage, services.themes(), this, dest);
        onDialog.accept(d);
        return d;
    }

    /**
     * {@code dest}'s tab: shown when open, else a bridge is started over ssh (off the FX thread;
     * {@code started} gets the ssh process, to cancel it) and a tab opened on it, unless
     * {@code cancelled} says so by then (the bridge is closed instead). On the FX thread.
     */
    CompletableFuture<MainWindow> connect(String dest, Consumer<Process> started, BooleanSupplier cancelled) {
        MainWindow w = open.get(dest);
        if (w != null) {
            show(w);
            return CompletableFuture.completedFuture(w);
        }
        return CompletableFuture.supplyAsync(() -> BridgeLauncher.ssh(dest, started), services.background())
                .thenApplyAsync(host -> {
                    if (cancelled.getAsBoolean() || open.containsKey(dest)) {
                        services.background().execute(host::close);
                        if (!cancelled.getAsBoolean()) {
                            MainWindow already = open.get(dest);
                            show(already);
                            return already;
                        }
                        throw new CancellationException("cancelled");
                    }
                    return openWindow(dest, host);
                }, services.ui());
    }

    private MainWindow openWindow(String dest, BridgeHost host) {
        bridges.add(host);
        try {
            WindowServices s = services.withHost(host).withExitApplication(() -> closed(dest, host));
            AtlasApp.Window w = AtlasApp.embed(mainStage, s, host::scan);
            MainWindow m = MainWindow.install(w, s, this, dest);
            w.vm().hostLineProperty().set(dest);
            services.background().execute(() -> {
                org.criuatlas.host.HostInfo info = host.info();
                String line = dest + " (" + info.name() + ", kernel " + info.kernel() + ", as " + info.user() + ")";
                services.ui().execute(() -> w.vm().hostLineProperty().set(line));
            });
            open.put(dest, m);
            tabs.add(dest, m);
            toFront(mainStage);
            changed();
            services.background().execute(() -> {
                try {
                    List<String> l = list.remember(dest);
                    services.ui().execute(() -> setRemembered(l));
                } catch (IOException | RuntimeException e) {
                    System.getLogger(HostsController.class.getName()).log(System.Logger.Level.WARNING,
                            "cannot remember " + dest + " in " + list.file(), e);
                }
            });
            onHostWindow.accept(m);
            return m;
        } catch (RuntimeException e) {
            closed(dest, host);
            throw e;
        }
    }

    /** A host's explorer closed (its own close path ran): its bridge ends, off the FX thread. */
    private void closed(String dest, BridgeHost host) {
        open.remove(dest);
        changed();
        services.background().execute(() -> {
            host.close();
            bridges.remove(host);
        });
    }

    private void forget(String dest) {
        services.background().execute(() -> {
            try {
                List<String> l = list.forget(dest);
                services.ui().execute(() -> setRemembered(l));
            } catch (IOException e) {
                System.getLogger(HostsController.class.getName()).log(System.Logger.Level.WARNING,
                        "cannot forget " + dest + " in " + list.file(), e);
            }
        });
    }

    /** Shows {@code m}'s tab (null: this machine's) in the main window, brought to the front. */
    private void show(MainWindow m) {
        tabs.select(m);
        toFront(mainStage);
    }

    /** {@code m}'s close path ran (File &gt; Close host): its tab goes. */
    void closeTab(MainWindow m) {
        tabs.remove(m);
    }

    private static void toFront(Stage s) {
        if (s.isIconified()) s.setIconified(false);
        s.show();
        s.toFront();
        s.requestFocus();
    }

    // ---- the application's close path ----------------------------------------------------------

    /** The hosts' explorers with a dump or restore running. FX thread. */
    List<MainWindow> busyWindows() {
        return open.values().stream().filter(MainWindow::busy).toList();
    }

    /** Cancels what runs in every host's tab. FX thread. */
    void cancelAll() {
        for (MainWindow m : open.values()) m.cancelRunning();
    }

    /** Closes every host's tab (the application ends; {@link #closeBridges()} ends their bridges). FX thread. */
    void hideAll() {
        for (MainWindow m : List.copyOf(open.values())) {
            m.window().close();
            tabs.remove(m);
        }
        open.clear();
    }

    /** Ends every host's bridge and waits for it: blocking, never on the FX thread. */
    void closeBridges() {
        for (BridgeHost h : List.copyOf(bridges)) {
            h.close();
            bridges.remove(h);
        }
    }

    // ---- for tests ------------------------------------------------------------------------------

    /** The open hosts' explorers (one tab each) by destination. FX thread. */
    public Map<String, MainWindow> openWindows() { return Map.copyOf(open); }

    /** The remembered hosts as the menu shows them. FX thread. */
    public List<String> remembered() { return remembered; }

    public void setOnHostWindow(Consumer<MainWindow> c) { onHostWindow = c == null ? w -> {} : c; }

    public void setOnDialog(Consumer<AddHostDialog> c) { onDialog = c == null ? d -> {} : c; }

    public HostList list() { return list; }

    /** The host whose tab shows, null for this machine. FX thread. */
    public MainWindow showing() { return tabs.showing(); }

    /** The tab strip while other hosts are open, else null. FX thread. */
    public javafx.scene.Parent tabStrip() { return tabs.strip(); }
}
