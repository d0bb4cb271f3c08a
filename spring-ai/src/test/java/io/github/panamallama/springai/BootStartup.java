package io.github.panamallama.springai;

import java.lang.management.ManagementFactory;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the test application on the model file given as the argument, in a JVM of its own,
 * asks one question and prints how long the start took: {@link LifecycleBootTest} runs it to
 * measure a cold start as an application sees it.
 */
public final class BootStartup {
    private BootStartup() {}

    public static void main(String[] args) {
        long runStart = System.nanoTime();
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
                .properties("spring.ai.panama-llama.model-path=" + args[0], "spring.ai.panama-llama.chat.max-tokens=8")
                .run()) {
            long runMillis = (System.nanoTime() - runStart) / 1_000_000;
            long sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
            String reply = context.getBean(ChatClient.Builder.class).build().prompt().user("Hello").call().content();
            System.out.println("BOOT_STARTUP run=" + runMillis + "ms sinceJvmStart=" + sinceJvmStart
                    + "ms replyChars=" + reply.length());
        }
    }
}
