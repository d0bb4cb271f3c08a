package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The BOM against the reactor. The BOM has no parent (importing it must not pin third-party
 * versions), so nothing in Maven keeps its version, its metadata and its list in step with the
 * modules: this does. The enforcer checks every other published module's effective POM.
 */
class PublishedModulesTest {
    static Element parent;
    static Element bom;

    @BeforeAll
    static void readPoms() throws Exception {
        parent = pom(NativeToolchain.home().resolve("pom.xml"));
        bom = pom(NativeToolchain.home().resolve("bom").resolve("pom.xml"));
    }

    @Test
    void theBomStandsAloneWithTheParentsVersion() {
        assertNull(child(bom, "parent"), "a parent's dependencyManagement would be imported with the BOM");
        assertEquals(text(parent, "groupId"), text(bom, "groupId"));
        assertEquals(text(parent, "version"), text(bom, "version"));
        assertEquals("pom", text(bom, "packaging"));
    }

    @Test
    void theBomCarriesTheParentsMavenCentralMetadata() {
        for (String element : List.of("url", "inceptionYear", "licenses", "developers", "scm", "issueManagement")) {
            assertFalse(text(parent, element).isEmpty(), "the parent has no " + element);
            assertEquals(text(parent, element), text(bom, element), element);
        }
        assertFalse(text(bom, "description").isEmpty(), "the BOM needs its own description");
    }

    @Test
    void theBomListsExactlyThePublishedModulesAtTheProjectVersion() throws Exception {
        Set<String> published = new TreeSet<>();
        for (Element module : children(child(parent, "modules"), "module")) {
            Element pom = pom(NativeToolchain.home().resolve(module.getTextContent().trim()).resolve("pom.xml"));
            Element properties = child(pom, "properties");
            boolean unpublished = properties != null && "true".equals(text(properties, "unpublished"));
            String artifactId = text(pom, "artifactId");
            if (!unpublished && !artifactId.equals(text(bom, "artifactId"))) {
                published.add(artifactId);
            }
        }
        Set<String> listed = new TreeSet<>();
        for (Element dependency : children(child(child(bom, "dependencyManagement"), "dependencies"), "dependency")) {
            assertEquals(text(bom, "groupId"), text(dependency, "groupId"));
            assertEquals("${project.version}", text(dependency, "version"), text(dependency, "artifactId"));
            listed.add(text(dependency, "artifactId"));
        }
        assertFalse(published.isEmpty());
        assertEquals(published, listed, "published modules (no <unpublished>true) vs the BOM's entries");
    }

    private static Element pom(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile()).getDocumentElement();
    }

    private static Element child(Element element, String name) {
        List<Element> found = children(element, name);
        return found.isEmpty() ? null : found.getFirst();
    }

    private static List<Element> children(Element element, String name) {
        List<Element> found = new ArrayList<>();
        for (Node node = element.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element child && child.getTagName().equals(name)) {
                found.add(child);
            }
        }
        return found;
    }

    /** An element's text with whitespace runs collapsed (indentation differs between files), or "". */
    private static String text(Element element, String name) {
        Element child = child(element, name);
        return child == null ? "" : child.getTextContent().trim().replaceAll("\\s+", " ");
    }
}
