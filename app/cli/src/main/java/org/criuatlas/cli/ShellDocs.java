package org.criuatlas.cli;

import org.criuatlas.bridge.AtlasVersion;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The man page and the bash, zsh and fish completions of {@code criu-atlas}, generated from the
 * picocli model of the commands, so they cannot drift from the code. Run by installers/package.sh:
 * {@code java -cp … org.criuatlas.cli.ShellDocs OUT_DIR [DATE]}.
 *
 * <p>bash comes from picocli's own {@link AutoComplete}. picocli has no zsh or fish generator and
 * its man pages are AsciiDoc (needing Asciidoctor, a Ruby toolchain, to become roff); the roff,
 * zsh and fish writers here are small walks over the same model instead.
 */
public final class ShellDocs {
    public static final String NAME = "criu-atlas";

    private final CommandSpec root;

    public ShellDocs(CommandLine cli) {
        this.root = cli.getCommandSpec();
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: ShellDocs OUT_DIR [DATE]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        String date = args.length > 1 ? args[1] : java.time.LocalDate.now().toString();
        Files.createDirectories(out);
        CommandLine cli = AtlasCommand.commandLine();
        ShellDocs docs = new ShellDocs(cli);
        Files.writeString(out.resolve(NAME + ".1"), docs.manPage(date), StandardCharsets.UTF_8);
        Files.writeString(out.resolve(NAME + ".bash"), AutoComplete.bash(NAME, cli), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("_" + NAME), docs.zsh(), StandardCharsets.UTF_8);
        Files.writeString(out.resolve(NAME + ".fish"), docs.fish(), StandardCharsets.UTF_8);
    }

    // ---- man page (roff, man(7) macros) ----------------------------------------------------------

    public String manPage(String date) {
        StringBuilder b = new StringBuilder();
        b.append(".\\\" Generated from the picocli model by org.criuatlas.cli.ShellDocs; do not edit.\n");
        b.append(".TH CRIU\\-ATLAS 1 \"").append(date).append("\" \"CRIU Atlas ")
                .append(AtlasVersion.version()).append("\" \"User Commands\"\n");
        b.append(".SH NAME\ncriu\\-atlas \\- see, plan and run CRIU checkpoint/restore of Linux process trees\n");
        b.append(".SH SYNOPSIS\n");
        b.append(".B criu\\-atlas\n.RI [ DIR ]\n.br\n");
        b.append(".B criu\\-atlas\n.RB [ \\-\\-demo | \\-\\-sample ]\n.br\n");
        b.append(".B criu\\-atlas\n.I COMMAND\n.RI [ OPTIONS ]\n");
        b.append(".SH DESCRIPTION\n");
        b.append(roff(joined(root.usageMessage().description()))).append('\n');
        b.append(".PP\nThe window shows the live graph of processes with what they hold: unix and TCP connections, "
                + "pipes, terminals, files, locks, SysV IPC and namespaces. An image directory (or the \\fIinventory.img\\fR in one) opens that dump offline, which "
                + "needs no root. Everything the window shows is also available to scripts through the commands "
                + "below (most take \\fB\\-\\-json\\fR).\n");
        b.append(".SH OPTIONS\n");
        options(b, root);
        b.append(".SH COMMANDS\n");
        for (CommandSpec sub : visible(root.subcommands())) command(b, sub, NAME + " " + sub.name());
        b.append(".SH ENVIRONMENT\n");
        env(b, "CRIU_ATLAS_CRIU", "The criu binary (or a wrapper) to use; it must be CRIU 4 or later.");
        env(b, "CRIU_ATLAS_HOME", "State folder: the recorded criu path, provisioned CRIU, dumps made from the window "
                + "(default \\fI~/.cache/criu\\-atlas\\fR).");
        env(b, "CRIU_ATLAS_TOPO", "The atlas\\-topo process builder used by the demos (default: the one built with the app).");
        b.append(".SH FILES\n");
        env(b, "~/.cache/criu\\-atlas/criu\\-path", "The criu recorded by \\fBcriu\\-atlas setup\\-criu\\fR.");
        env(b, "/opt/criu\\-atlas/share/sample\\-images/", "The sample dump opened by \\fB\\-\\-sample\\fR (installed package).");
        env(b, "/opt/criu\\-atlas/bin/criu\\-atlas\\-bridge", "The privileged half of the app, started through "
                + "\\fBpkexec\\fR(1) (polkit action \\fIorg.criuatlas.bridge\\fR).");
        b.append(".SH EXIT STATUS\n");
        env(b, "0", "Success; for \\fBplan\\fR: the dump would succeed as planned.");
        env(b, "1", "CRIU (or the plan) failed; the output says why.");
        env(b, "2", "Bad usage or input.");
        env(b, "3", "CRIU gave no reply.");
        b.append(".SH SEE ALSO\n\\fBcriu\\fR(8), \\fBcrit\\fR(1), \\fBpkexec\\fR(1)\n");
        return b.toString();
    }

    private void command(StringBuilder b, CommandSpec spec, String path) {
        b.append(".SS \"").append(roff(path)).append(synopsisTail(spec)).append("\"\n");
        b.append(roff(joined(spec.usageMessage().description()))).append('\n');
        if (!visibleOptions(spec).isEmpty() || !spec.positionalParameters().isEmpty()) b.append(".RS\n");
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.hidden()) continue;
            b.append(".TP\n.I ").append(roff(p.paramLabel())).append('\n').append(roff(joined(p.description()))).append('\n');
        }
        options(b, spec);
        if (!visibleOptions(spec).isEmpty() || !spec.positionalParameters().isEmpty()) b.append(".RE\n");
        for (CommandSpec sub : visible(spec.subcommands())) command(b, sub, path + " " + sub.name());
    }

    private static String synopsisTail(CommandSpec spec) {
        StringBuilder s = new StringBuilder();
        if (!visibleOptions(spec).isEmpty()) s.append(" [OPTIONS]");
        for (PositionalParamSpec p : spec.positionalParameters()) if (!p.hidden()) s.append(' ').append(p.paramLabel());
        if (!spec.subcommands().isEmpty()) s.append(" COMMAND");
        return roff(s.toString());
    }

    private static void options(StringBuilder b, CommandSpec spec) {
        for (OptionSpec o : visibleOptions(spec)) {
            b.append(".TP\n");
            List<String> names = new ArrayList<>();
            for (String n : o.names()) names.add("\\fB" + roff(n) + "\\fR");
            b.append(String.join(", ", names));
            if (!isFlag(o)) b.append(" \\fI").append(roff(o.paramLabel())).append("\\fR");
            b.append('\n').append(roff(joined(o.description()))).append('\n');
        }
    }

    private static void env(StringBuilder b, String name, String text) {
        b.append(".TP\n.B ").append(name).append('\n').append(text).append('\n');
    }

    /** Text for roff: backslashes and dashes escaped, no line starting with a control character. */
    static String roff(String s) {
        String t = s.replace("\\", "\\e").replace("-", "\\-");
        StringBuilder out = new StringBuilder();
        for (String line : t.split("\n", -1)) {
            if (out.length() > 0) out.append("\n.br\n");
            if (line.startsWith(".") || line.startsWith("'")) out.append("\\&");
            out.append(line);
        }
        return out.toString();
    }

    // ---- zsh -------------------------------------------------------------------------------------

    public String zsh() {
        StringBuilder b = new StringBuilder();
        b.append("#compdef ").append(NAME).append('\n');
        b.append("# zsh completion for ").append(NAME).append(' ').append(AtlasVersion.version())
                .append(", generated from the picocli model by org.criuatlas.cli.ShellDocs; do not edit.\n\n");
        zshFunction(b, root, "_criu_atlas");
        b.append("\n_criu_atlas \"$@\"\n");
        return b.toString();
    }

    private void zshFunction(StringBuilder b, CommandSpec spec, String fn) {
        List<CommandSpec> subs = visible(spec.subcommands());
        b.append(fn).append("() {\n");
        if (!subs.isEmpty()) b.append("  local curcontext=\"$curcontext\" state line\n  typeset -A opt_args\n");
        b.append("  _arguments -s -S").append(subs.isEmpty() ? "" : " -C");
        for (OptionSpec o : visibleOptions(spec)) b.append(" \\\n    ").append(zshOption(o));
        int index = 1;
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.hidden()) continue;
            String action = isPath(p) ? "_files" : "";
            b.append(" \\\n    '").append(p.isMultiValue() ? "*" : String.valueOf(index++)).append(':')
                    .append(zshText(p.paramLabel())).append(':').append(action).append('\'');
        }
        if (spec == root) b.append(" \\\n    '1: :->command'");
        else if (!subs.isEmpty()) b.append(" \\\n    '1: :->command'");
        if (!subs.isEmpty()) b.append(" \\\n    '*:: :->args'");
        b.append('\n');
        if (!subs.isEmpty()) {
            b.append("  case $state in\n    command)\n      local -a commands\n      commands=(\n");
            for (CommandSpec s : subs)
                b.append("        '").append(s.name()).append(':').append(zshText(firstLine(s))).append("'\n");
            b.append("      )\n      _describe -t commands 'command' commands");
            if (spec == root) b.append(" && return 0\n      _files -/");
            b.append("\n      ;;\n    args)\n      case $line[1] in\n");
            for (CommandSpec s : subs)
                b.append("        ").append(s.name()).append(") ").append(fn).append('_').append(zshName(s.name())).append(" ;;\n");
            b.append("      esac\n      ;;\n  esac\n");
        }
        b.append("}\n\n");
        for (CommandSpec s : subs) zshFunction(b, s, fn + "_" + zshName(s.name()));
    }

    private static String zshOption(OptionSpec o) {
        String desc = "[" + zshText(firstLine(o.description())) + "]";
        String arg = isFlag(o) ? "" : ":" + zshText(o.paramLabel()) + ":" + (isPath(o) ? "_files" : "");
        boolean exclusive = o.usageHelp() || o.versionHelp();
        String repeat = o.isMultiValue() ? "*" : "";
        String[] names = o.names();
        StringBuilder s = new StringBuilder();
        if (names.length == 1) {
            s.append('\'').append(exclusive ? "(- *)" : "").append(repeat).append(names[0]).append(isFlag(o) ? "" : "=")
                    .append(desc).append(arg).append('\'');
        } else {
            String group = exclusive ? "(- *)" : "(" + String.join(" ", names) + ")";
            if (o.isMultiValue()) group = "";
            s.append('\'').append(group).append('\'').append(repeat).append('{').append(String.join(",", names)).append('}')
                    .append('\'').append(isFlag(o) ? "" : "=").append(desc).append(arg).append('\'');
        }
        return s.toString();
    }

    private static String zshText(String s) {
        return s.replace("\\", "\\\\").replace("'", "'\\''").replace("[", "\\[").replace("]", "\\]").replace(":", "\\:");
    }

    private static String zshName(String s) {
        return s.replace('-', '_');
    }

    // ---- fish ------------------------------------------------------------------------------------

    public String fish() {
        StringBuilder b = new StringBuilder();
        b.append("# fish completion for ").append(NAME).append(' ').append(AtlasVersion.version())
                .append(", generated from the picocli model by org.criuatlas.cli.ShellDocs; do not edit.\n");
        b.append("complete -c ").append(NAME).append(" -e\n");
        // the only argument the root takes is an image directory
        b.append("complete -c ").append(NAME).append(" -n __fish_use_subcommand -f -a '(__fish_complete_directories)'\n");
        List<CommandSpec> subs = visible(root.subcommands());
        for (OptionSpec o : visibleOptions(root)) fishOption(b, "__fish_use_subcommand", o);
        for (CommandSpec s : subs) {
            b.append("complete -c ").append(NAME).append(" -n __fish_use_subcommand -f -a ").append(s.name())
                    .append(" -d ").append(fishText(firstLine(s))).append('\n');
        }
        for (CommandSpec s : subs) {
            List<CommandSpec> inner = visible(s.subcommands());
            String in = "__fish_seen_subcommand_from " + s.name();
            if (!inner.isEmpty()) {
                List<String> names = new ArrayList<>();
                for (CommandSpec i : inner) names.add(i.name());
                String none = in + "; and not __fish_seen_subcommand_from " + String.join(" ", names);
                for (CommandSpec i : inner)
                    b.append("complete -c ").append(NAME).append(" -n ").append(fishText(none)).append(" -f -a ")
                            .append(i.name()).append(" -d ").append(fishText(firstLine(i))).append('\n');
                for (OptionSpec o : visibleOptions(s)) fishOption(b, none, o);
                for (CommandSpec i : inner)
                    for (OptionSpec o : visibleOptions(i))
                        fishOption(b, in + "; and __fish_seen_subcommand_from " + i.name(), o);
            } else {
                for (OptionSpec o : visibleOptions(s)) fishOption(b, in, o);
                for (PositionalParamSpec p : s.positionalParameters())
                    if (!p.hidden() && isPath(p))
                        b.append("complete -c ").append(NAME).append(" -n ").append(fishText(in)).append(" -F\n");
            }
        }
        return b.toString();
    }

    private static void fishOption(StringBuilder b, String condition, OptionSpec o) {
        b.append("complete -c ").append(NAME).append(" -n ").append(fishText(condition));
        for (String n : o.names()) {
            if (n.startsWith("--")) b.append(" -l ").append(n.substring(2));
            else if (n.startsWith("-") && n.length() == 2) b.append(" -s ").append(n.substring(1));
            else b.append(" -o ").append(n.substring(1));
        }
        if (!isFlag(o)) b.append(isPath(o) ? " -r -F" : " -x");
        b.append(" -d ").append(fishText(firstLine(o.description()))).append('\n');
    }

    private static String fishText(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    // ---- the model ---------------------------------------------------------------------------------

    private static List<CommandSpec> visible(Map<String, CommandLine> subs) {
        List<CommandSpec> out = new ArrayList<>();
        for (Map.Entry<String, CommandLine> e : subs.entrySet()) {
            CommandSpec s = e.getValue().getCommandSpec();
            // aliases appear as extra keys: keep each command once, under its own name
            if (!s.usageMessage().hidden() && e.getKey().equals(s.name())) out.add(s);
        }
        return out;
    }

    private static List<OptionSpec> visibleOptions(CommandSpec spec) {
        List<OptionSpec> out = new ArrayList<>();
        for (OptionSpec o : spec.options()) if (!o.hidden()) out.add(o);
        return out;
    }

    private static boolean isFlag(OptionSpec o) {
        return o.arity().max() == 0;
    }

    private static boolean isPath(ArgSpec a) {
        Class<?> t = a.isMultiValue() && a.auxiliaryTypes().length > 0 ? a.auxiliaryTypes()[0] : a.type();
        return Path.class.isAssignableFrom(t) || File.class.isAssignableFrom(t);
    }

    private static String firstLine(CommandSpec s) {
        return firstLine(s.usageMessage().description());
    }

    private static String firstLine(String[] description) {
        String all = joined(description).strip();
        int nl = all.indexOf('\n');
        String line = nl < 0 ? all : all.substring(0, nl);
        int stop = line.indexOf(". ");
        return stop < 0 ? line : line.substring(0, stop + 1);
    }

    /** picocli descriptions are format strings ({@code %n} for a line break). */
    private static String joined(String[] description) {
        List<String> parts = new ArrayList<>();
        for (String d : description) {
            try {
                parts.add(String.format(Locale.ROOT, d));
            } catch (IllegalFormatException e) {
                parts.add(d);
            }
        }
        return String.join("\n", parts).replace("\r", "");
    }
}
