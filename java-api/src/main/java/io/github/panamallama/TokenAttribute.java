package io.github.panamallama;

import java.util.EnumSet;
import java.util.Set;

/** Properties of a vocabulary entry (llama.cpp's {@code llama_token_attr} bits). */
public enum TokenAttribute {
    UNKNOWN(1),
    UNUSED(1 << 1),
    NORMAL(1 << 2),
    /** A control token such as BOS or EOS; rendered only when asked for special tokens. */
    CONTROL(1 << 3),
    USER_DEFINED(1 << 4),
    /** A byte-fallback token such as {@code <0x0A>}. */
    BYTE(1 << 5),
    NORMALIZED(1 << 6),
    LSTRIP(1 << 7),
    RSTRIP(1 << 8),
    SINGLE_WORD(1 << 9);

    final int bit;

    TokenAttribute(int bit) {
        this.bit = bit;
    }

    static Set<TokenAttribute> fromBits(int bits) {
        EnumSet<TokenAttribute> set = EnumSet.noneOf(TokenAttribute.class);
        for (TokenAttribute attribute : values()) {
            if ((bits & attribute.bit) != 0) {
                set.add(attribute);
            }
        }
        return set;
    }
}
