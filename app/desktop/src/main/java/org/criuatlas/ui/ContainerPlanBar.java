package org.criuatlas.ui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.criuatlas.plan.container.ContainerCheckpoint;
import org.criuatlas.ui.theme.Styles;
import org.criuatlas.ui.vm.PlanViewModel;

import java.util.function.Consumer;

/**
 * The plan panel's lines for a container's checkpoint: which container, podman's options as controls
 * (leave running, TCP connections, file locks) and "Checkpoint container…"; the plan panel lists the options
 * podman and runc pass to CRIU that nobody picks, as assumed. Shown only while a container's checkpoint is planned.
 */
final class ContainerPlanBar extends VBox {
    private final CheckBox leave = new CheckBox("--leave-running");
    private final CheckBox tcp = new CheckBox("--tcp-established");
    private final CheckBox locks = new CheckBox("--file-locks");
    private final Label title = new Label();
    private final Button checkpoint = new Button("Checkpoint container\u2026");
    private Consumer<ContainerCheckpoint> onCheckpoint = c -> {};
    private boolean syncing;

    ContainerPlanBar(PlanViewModel plan) {
        super(4);
        setId(Styles.ID_PLAN_CONTAINER);
        getStyleClass().addAll(Styles.BANNER, Styles.BANNER_IMAGES);
        setPadding(new Insets(6, 8, 6, 8));
        title.getStyleClass().add(Styles.TITLE);
        title.setWrapText(true);
        checkpoint.setId(Styles.ID_PLAN_CONTAINER_CHECKPOINT);
        checkpoint.setOnAction(e -> {
            ContainerCheckpoint c = plan.containerProperty().get();
            if (c != null) onCheckpoint.accept(c);
        });
        leave.setTooltip(new javafx.scene.control.Tooltip("podman container checkpoint --leave-running: the container keeps running"));
        tcp.setTooltip(new javafx.scene.control.Tooltip("podman container checkpoint --tcp-established: dump established TCP connections"));
        locks.setTooltip(new javafx.scene.control.Tooltip("podman container checkpoint --file-locks: dump file locks"));
        for (CheckBox b : new CheckBox[]{leave, tcp, locks}) {
            b.setMinWidth(Region.USE_PREF_SIZE);
            b.setOnAction(e -> {
                if (!syncing) plan.setContainerOptions(leave.isSelected(), tcp.isSelected(), locks.isSelected());
            });
        }
        leave.setId("container-opt-leave-running");
        tcp.setId("container-opt-tcp");
        locks.setId("container-opt-file-locks");
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        checkpoint.setMinWidth(Region.USE_PREF_SIZE);
        Label podman = new Label("podman options:");
        podman.setMinWidth(Region.USE_PREF_SIZE);
        HBox options = new HBox(12, podman, leave, tcp, locks, spring, checkpoint);
        options.setAlignment(Pos.CENTER_LEFT);
        getChildren().setAll(title, options);
        managedProperty().bind(visibleProperty());
        plan.containerProperty().addListener((o, a, b) -> show(b));
        show(plan.containerProperty().get());
    }

    void setOnCheckpoint(Consumer<ContainerCheckpoint> c) {
        onCheckpoint = c == null ? x -> {} : c;
    }

    private void show(ContainerCheckpoint c) {
        setVisible(c != null);
        if (c == null) return;
        syncing = true;
        try {
            leave.setSelected(c.leaveRunning());
            tcp.setSelected(c.tcpEstablished());
            locks.setSelected(c.fileLocks());
        } finally {
            syncing = false;
        }
        title.setText("Checkpoint of container " + c.container().name() + " (" + c.container().engine() + ", conmon "
                + c.container().monitorPid() + ", init " + c.container().initPid()
                + "): podman runs runc, which runs CRIU on the container's init; the plan uses their options (listed below as assumed).");
    }
}
