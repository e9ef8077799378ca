package org.criuatlas.ui;

import javafx.scene.control.Menu;
import org.criuatlas.ui.demos.DemoCatalog;
import org.criuatlas.ui.demos.DemoLessonPane;
import org.criuatlas.ui.demos.DemoMenu;
import org.criuatlas.ui.demos.StartedDemo;

/**
 * The demos: the Demos menu, the lesson beside the inspector, and, once a demo's processes run,
 * its subtree planned and brought into view.
 */
final class DemoController {
    private final AtlasApp.Window window;
    private final WindowServices services;
    private final LiveWatch watch;
    private DemoLessonPane lesson;

    DemoController(AtlasApp.Window window, WindowServices services, LiveWatch watch) {
        this.window = window;
        this.services = services;
        this.watch = watch;
    }

    Menu menu() {
        return DemoMenu.create(services.demos(), this::started, (demo, error) -> Dialogs.error(window.stage(), services.themes(),
                "Demo failed to start", "Could not start \"" + demo.title() + "\":\n" + DemoMenu.rootMessage(error)),
                services.background());
    }

    /** The lesson pane (created with the first demo). */
    DemoLessonPane lesson() { return lesson; }

    private void started(StartedDemo started) {
        if (lesson == null) lesson = DemoLessonPane.create(services.demos(), started.demo(), this::started);
        else lesson.show(started.demo());
        window.view().showSideTab(MainWindow.ID_LESSON_TAB, "Lesson", lesson);
        int root = started.rootPid();
        watch.whenVisible(root, () -> {
            window.vm().plan().planSubtree(root);
            window.vm().focusSubtree(root);
        });
    }

    /** Shows the lesson of demo 1 without starting it. */
    void showLesson() {
        if (lesson == null) lesson = DemoLessonPane.create(services.demos(), DemoCatalog.SEED, this::started);
        window.view().showSideTab(MainWindow.ID_LESSON_TAB, "Lesson", lesson);
    }
}
