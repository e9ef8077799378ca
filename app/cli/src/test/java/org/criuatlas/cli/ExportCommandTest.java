package org.criuatlas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.criuatlas.testing.TestProcs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code criu-atlas export} on a real process tree (a parent and a child joined by a socketpair and a
 * pipe, with a listener): each format checked by an independent reader. SVG is parsed as XML and
 * rendered by {@code rsvg-convert} next to the PNG (same size, same background); DOT is parsed by
 * Graphviz {@code dot}; the JSON matches {@code scan --json} of the same subtree; the Markdown plan
 * names the root and the command. Files stay under target/exports for a look.
 */
class ExportCommandTest {
    static final Path OUT = Path.of("target", "exports");
    static TestProcs.Proc tree;
    static int root, child;

    @BeforeAll
    static void start(@TempDir Path tmp) throws Exception {
        Files.createDirectories(OUT);
        Path hb = tmp.resolve("hb");
        tree = TestProcs.python(TestProcs.TREE_WITH_IPC, List.of(hb.toString()), Map.of(), null);
        root = tree.pid;
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(hb, java.nio.file.LinkOption.NOFOLLOW_LINKS) && tree.tree().size() == 2);
        child = tree.tree().stream().filter(p -> p != root).findFirst().orElseThrow();
    }

    @AfterAll
    static void stop() {
        if (tree != null) tree.close();
    }

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        CliRun.Result r = CliRun.run(args); // one lock for every test that swaps the standard streams
        return new Run(r.exit(), r.out(), r.err());
    }

    static String exec(Path stdout, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(stdout == null);
        if (stdout != null) pb.redirectOutput(stdout.toFile());
        Process p = pb.start();
        String text = new String((stdout == null ? p.getInputStream() : p.getErrorStream()).readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + text);
        return text;
    }

    static Document xml(Path f) throws Exception {
        var dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(true);
        // Graphviz's SVG names the SVG 1.1 DTD: parse without fetching it
        dbf.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return dbf.newDocumentBuilder().parse(f.toFile());
    }

    @Test
    void svgIsXmlAndRendersLikeThePng() throws Exception {
        for (String theme : List.of("light", "dark")) {
            Path png = OUT.resolve("tree-" + theme + ".png"), svg = OUT.resolve("tree-" + theme + ".svg");
            Run a = run("export", "--pid", "" + root, "--theme", theme, "-o", png.toString());
            assertEquals(0, a.exit(), a.err());
            Run b = run("export", "--pid", "" + root, "--theme", theme, "-o", svg.toString());
            assertEquals(0, b.exit(), b.err());

            Document d = xml(svg);
            assertEquals("svg", d.getDocumentElement().getLocalName());
            // one <g> per process in the nodes group, each titled "comm pid"
            Element nodes = byId(d, "nodes");
            List<String> titles = new ArrayList<>();
            NodeList gs = nodes.getElementsByTagNameNS("*", "title");
            for (int i = 0; i < gs.getLength(); i++) titles.add(gs.item(i).getTextContent());
            assertTrue(titles.stream().anyMatch(t -> t.endsWith(" " + root)), titles.toString());
            assertTrue(titles.stream().anyMatch(t -> t.endsWith(" " + child)), titles.toString());
            assertTrue(byId(d, "edges").getElementsByTagNameNS("*", "line").getLength() >= 3, "parent edge, socketpair, pipe");
            assertTrue(byId(d, "edges").getElementsByTagNameNS("*", "polygon").getLength() >= 1, "the pipe's arrow head");

            Path rendered = OUT.resolve("tree-" + theme + ".svg.png");
            exec(null, "rsvg-convert", svg.toString(), "-o", rendered.toString());
            BufferedImage ours = ImageIO.read(png.toFile()), theirs = ImageIO.read(rendered.toFile());
            assertEquals(ours.getWidth(), theirs.getWidth(), "same layout, same width");
            assertEquals(ours.getHeight(), theirs.getHeight(), "same layout, same height");
            assertEquals(ours.getRGB(1, 1) & 0xFFFFFF, theirs.getRGB(1, 1) & 0xFFFFFF, "same background");
            assertEquals(theme.equals("dark"), luminance(ours.getRGB(1, 1)) < 0.3, theme + " background");
            // the nodes: the PNG and the rendered SVG both draw an outlined circle where the root sits
            Element first = (Element) nodes.getElementsByTagNameNS("*", "circle").item(0);
            int cx = (int) Double.parseDouble(first.getAttribute("cx")), cy = (int) Double.parseDouble(first.getAttribute("cy"));
            int r = (int) Double.parseDouble(first.getAttribute("r"));
            int bg = ours.getRGB(1, 1);
            assertNotEquals(bg, ours.getRGB(cx + r, cy), "PNG: the node's outline");
            assertNotEquals(bg, theirs.getRGB(cx + r, cy), "rendered SVG: the node's outline");
        }
    }

    @Test
    void dotParsesWithGraphviz() throws Exception {
        Path dot = OUT.resolve("tree.dot"), svg = OUT.resolve("tree.dot.svg");
        Run r = run("export", "--pid", "" + root, "-o", dot.toString());
        assertEquals(0, r.exit(), r.err());
        exec(svg, "dot", "-Tsvg", dot.toString());
        Document d = xml(svg);
        Set<String> nodeTitles = new TreeSet<>();
        NodeList gs = d.getElementsByTagNameNS("*", "g");
        int edges = 0;
        for (int i = 0; i < gs.getLength(); i++) {
            Element g = (Element) gs.item(i);
            String title = g.getElementsByTagNameNS("*", "title").getLength() == 0 ? "" : g.getElementsByTagNameNS("*", "title").item(0).getTextContent();
            if (g.getAttribute("class").equals("node")) nodeTitles.add(title);
            if (g.getAttribute("class").equals("edge")) edges++;
        }
        assertEquals(Set.of("p" + root, "p" + child), nodeTitles, "Graphviz read one node per process");
        assertTrue(edges >= 3, "parent/child, the socketpair and the pipe: " + edges);
    }

    @Test
    void jsonIsTheScanModel() throws Exception {
        Path json = OUT.resolve("tree.json");
        Run r = run("export", "--pid", "" + root, "-o", json.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode exported = new ObjectMapper().readTree(json.toFile());
        Run scan = run("scan", "--json", "--pid", "" + root);
        assertEquals(0, scan.exit(), scan.err());
        JsonNode scanned = new ObjectMapper().readTree(scan.out());
        assertEquals(scanned.get("schema"), exported.get("schema"));
        assertEquals(fieldNames(scanned), fieldNames(exported), "the same document shape as scan --json");
        assertEquals(values(scanned.get("processes"), "pid"), values(exported.get("processes"), "pid"));
        assertEquals(Set.of(String.valueOf(root), String.valueOf(child)), values(exported.get("processes"), "pid"));
        assertEquals(values(scanned.get("sockets"), "ino"), values(exported.get("sockets"), "ino"));
        assertEquals(values(scanned.get("pipes"), "ino"), values(exported.get("pipes"), "ino"));
    }

    @Test
    void markdownPlanNamesRootCrossingsAndCommand() throws Exception {
        Path md = OUT.resolve("plan.md");
        Run r = run("export", "--pid", "" + root, "-o", md.toString());
        assertEquals(0, r.exit(), r.err());
        String text = Files.readString(md);
        assertTrue(text.startsWith("# Dump plan\n"), text);
        assertTrue(text.contains("## pid " + root + ": `"), text);
        assertTrue(text.contains("- Processes dumped: 2 ("), text);
        assertTrue(text.contains("```sh\n") && text.contains("dump -t " + root), text);
        Run stdout = run("export", "--pid", "" + root, "--format", "md", "-o", "-");
        assertEquals(0, stdout.exit());
        assertTrue(stdout.out().startsWith("# Dump plan"));
    }

    @Test
    void badRequestsAreTypedErrors() {
        assertEquals(ExitCode.USAGE.code, run("export", "-o", OUT.resolve("x.txt").toString()).exit(), "unknown extension");
        assertEquals(ExitCode.USAGE.code, run("export", "-o", OUT.resolve("x.md").toString()).exit(), "md without --pid");
        assertEquals(ExitCode.USAGE.code, run("export", "-o", "-", "--format", "png").exit(), "png to stdout");
        assertEquals(ExitCode.NOT_FOUND.code, run("export", "--pid", "999999999", "-o", OUT.resolve("y.svg").toString()).exit());
        assertEquals(ExitCode.NOT_FOUND.code, run("export", "--images", "/nonexistent-dir", "-o", OUT.resolve("y.svg").toString()).exit());
        assertFalse(Files.exists(OUT.resolve("y.svg")), "nothing written on a failure");
    }

    private static Element byId(Document d, String id) {
        NodeList gs = d.getElementsByTagNameNS("*", "g");
        for (int i = 0; i < gs.getLength(); i++) if (id.equals(((Element) gs.item(i)).getAttribute("id"))) return (Element) gs.item(i);
        throw new AssertionError("no <g id=" + id + ">");
    }

    private static double luminance(int rgb) {
        return (0.2126 * ((rgb >> 16) & 255) + 0.7152 * ((rgb >> 8) & 255) + 0.0722 * (rgb & 255)) / 255;
    }

    private static Set<String> fieldNames(JsonNode n) {
        Set<String> s = new TreeSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }

    private static Set<String> values(JsonNode array, String field) {
        Set<String> s = new TreeSet<>();
        if (array != null) for (JsonNode e : array) s.add(e.get(field).asText());
        return s;
    }
}
