package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StopReasonTest {
    @Test
    void onlyLimitsTruncateAndReportLength() {
        Map<StopReason, String> expected = new EnumMap<>(Map.of(
                StopReason.MAX_TOKENS, "length",
                StopReason.CONTEXT_FULL, "length",
                StopReason.EOS, "stop",
                StopReason.STOP_STRING, "stop",
                StopReason.CANCELLED, "stop"));
        assertEquals(StopReason.values().length, expected.size(), "every reason is mapped");
        expected.forEach((reason, finish) -> {
            assertEquals(finish, reason.openAiFinishReason(), reason.name());
            assertEquals(finish.equals("length"), reason.truncated(), reason.name());
        });
    }
}
