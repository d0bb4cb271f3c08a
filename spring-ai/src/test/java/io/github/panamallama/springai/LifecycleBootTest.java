package io.github.panamallama.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.github.panamallama.LlamaModel;
import io.github.panamallama.fixture.BuiltFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A whole Boot application started and closed: how long it takes, and what closing frees. */
class LifecycleBootTest {

    @Test
    void startsQuicklyAndClosingReleasesTheNativeModel() {
        long start = System.nanoTime();
        ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
                .properties("spring.ai.panama-llama.model-path=" + BuiltFixtures.tinyMistralF16(),
                        "spring.ai.panama-llama.chat.max-tokens=8")
                .run();
        long startMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("Spring Boot application with the tiny model started in " + startMillis
                + " ms in the test JVM (SpringApplication.run, model load and first contexts included)");

        LlamaModel model = context.getBean(LlamaModel.class);
        PanamaLlamaChatModel chatModel = context.getBean(PanamaLlamaChatModel.class);
        PanamaLlamaEmbeddingModel embeddingModel = context.getBean(PanamaLlamaEmbeddingModel.class);
        ChatClient chatClient = context.getBean(ChatClient.Builder.class).build();
        assertThat(chatClient.prompt().user("Hello").call().content()).isNotEmpty();
        assertThat(model.isClosed()).isFalse();

        context.close();

        assertThat(model.isClosed()).as("the LlamaModel bean is closed").isTrue();
        assertThat(chatModel.isClosed()).isTrue();
        assertThat(embeddingModel.isClosed()).isTrue();
        assertThatIllegalStateException().isThrownBy(() -> chatClient.prompt().user("Hello").call().content())
                .withMessageContaining("closed");
        assertThatIllegalStateException().isThrownBy(() -> embeddingModel.embed("Hello"))
                .withMessageContaining("closed");
    }

    @Test
    void coldStartInAFreshJvm() throws IOException, InterruptedException {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(javaBin.toString(), "--enable-native-access=ALL-UNNAMED",
                "-Dpanamallama.home=" + System.getProperty("panamallama.home"),
                "-cp", System.getProperty("java.class.path"),
                BootStartup.class.getName(), BuiltFixtures.tinyMistralF16().toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        Files.writeString(Path.of("target", "boot-startup.log"), output); // where the time went
        assertThat(process.exitValue()).as(output).isZero();
        Matcher line = Pattern.compile("BOOT_STARTUP run=(\\d+)ms sinceJvmStart=(\\d+)ms replyChars=(\\d+)").matcher(output);
        assertThat(line.find()).as(output).isTrue();
        assertThat(Integer.parseInt(line.group(3))).as("the fresh application answered").isPositive();
        System.out.println("Spring Boot application with the tiny model, fresh JVM: SpringApplication.run "
                + line.group(1) + " ms, ready " + line.group(2) + " ms after the JVM started");
    }
}
