package org.criuatlas.ui.demos;

import javafx.scene.control.Alert;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import org.criuatlas.ui.UiThread;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** The "Demos" menu: one item per demo (starts it, or shows it again if it runs) and "Stop all demos". */
public final class DemoMenu {
    private DemoMenu() {}

    /** {@code onStarted} runs on the FX thread once the demo's processes are ready; failures show an alert. */
    public static Menu create(DemoRunner runner, Consumer<StartedDemo> onStarted) {
        return create(runner, onStarted, (demo, error) -> {
            Alert a = new Alert(Alert.AlertType.ERROR, "Could not start \"" + demo.title() + "\":\n" + rootMessage(error));
            a.setHeaderText("Demo failed to start");
            a.show();
        });
    }

    /** As {@link #create(DemoRunner, Consumer)} with the caller's failure handler (on the FX thread). */
    public static Menu create(DemoRunner runner, Consumer<StartedDemo> onStarted, BiConsumer<Demo, Throwable> onFailed) {
        Menu menu = new Menu("Demos");
        menu.setId(DemoIds.MENU);
        Map<String, MenuItem> items = new HashMap<>();
        for (Demo d : DemoCatalog.all()) {
            MenuItem item = new MenuItem(d.menuText());
            item.setId(DemoIds.menuItem(d));
            item.setOnAction(e -> runner.start(d).whenComplete((s, err) -> UiThread.run(() -> {
                if (err == null) onStarted.accept(s);
                else if (!(err instanceof java.util.concurrent.CancellationException)) onFailed.accept(d, err);
            })));
            items.put(d.id(), item);
            menu.getItems().add(item);
        }
        MenuItem stopAll = new MenuItem("Stop all demos");
        stopAll.setId(DemoIds.STOP_ALL);
        // stopping waits for processes to die: never on the FX thread
        stopAll.setOnAction(e -> CompletableFuture.runAsync(runner::stopAll));
        menu.getItems().addAll(new SeparatorMenuItem(), stopAll);
        runner.addListener(c -> UiThread.run(() -> {
            MenuItem item = items.get(c.demo().id());
            if (item == null) return;
            item.setText(c.demo().menuText() + switch (c.state()) {
                case STARTING -> " (starting…)";
                case RUNNING -> " (running)";
                case STOPPING -> " (stopping…)";
                case STOPPED, FAILED -> "";
            });
        }));
        return menu;
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null && (e instanceof java.util.concurrent.CompletionException
                || e instanceof java.util.concurrent.ExecutionException)) e = e.getCause();
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
