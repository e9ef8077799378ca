package org.criuatlas.ui.demos;

import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import org.criuatlas.ui.fx.FxThread;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** The "Demos" menu: one item per demo (starts it, or shows it again if it runs) and "Stop all demos". */
public final class DemoMenu {
    private DemoMenu() {}

    /**
     * {@code onStarted} runs on the FX thread once the demo's processes are ready, {@code onFailed}
     * when they could not start; "Stop all demos" waits for processes on {@code background}.
     */
    public static Menu create(DemoRunner runner, Consumer<StartedDemo> onStarted, BiConsumer<Demo, Throwable> onFailed,
                              Executor background) {
        Menu menu = new Menu("Demos");
        menu.setId(DemoIds.MENU);
        Map<String, MenuItem> items = new HashMap<>();
        for (Demo d : DemoCatalog.all()) {
            MenuItem item = new MenuItem(d.menuText());
            item.setId(DemoIds.menuItem(d));
            item.setOnAction(e -> runner.start(d).whenComplete((s, err) -> FxThread.run(() -> {
                if (err == null) onStarted.accept(s);
                else if (!(err instanceof java.util.concurrent.CancellationException)) onFailed.accept(d, err);
            })));
            items.put(d.id(), item);
            menu.getItems().add(item);
        }
        MenuItem stopAll = new MenuItem("Stop all demos");
        stopAll.setId(DemoIds.STOP_ALL);
        // stopping waits for processes to die: never on the FX thread
        stopAll.setOnAction(e -> background.execute(runner::stopAll));
        menu.getItems().addAll(new SeparatorMenuItem(), stopAll);
        runner.addListener(c -> FxThread.run(() -> {
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

    /** The message of what failed, without the wrappers of futures. */
    public static String rootMessage(Throwable e) {
        while (e.getCause() != null && (e instanceof java.util.concurrent.CompletionException
                || e instanceof java.util.concurrent.ExecutionException)) e = e.getCause();
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
