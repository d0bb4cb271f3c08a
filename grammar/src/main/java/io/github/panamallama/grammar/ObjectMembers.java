package io.github.panamallama.grammar;

import java.util.ArrayList;
import java.util.List;

/** The inside of an object: its key-value members joined by commas, some optional. */
final class ObjectMembers {
    private ObjectMembers() {}

    /** One property slot: its key-value expression, whether it must appear, whether it repeats. */
    record Member(String expression, boolean required, boolean repeated) {}

    /**
     * The members in order, commas only between those present: each optional member may be
     * left out, a repeated one appear any number of times. Never empty: the caller makes the
     * whole optional when no member is required.
     */
    static String sequence(List<Member> members) {
        return firstMembers(members, 0);
    }

    /** Members from {@code from} on when none came before (no leading comma). */
    private static String firstMembers(List<Member> members, int from) {
        List<String> alternatives = new ArrayList<>();
        for (int i = from; i < members.size(); i++) {
            Member member = members.get(i);
            StringBuilder alternative = new StringBuilder(member.expression());
            if (member.repeated()) {
                alternative.append(" ( ws \",\" ws ").append(member.expression()).append(" )*");
            }
            alternative.append(laterMembers(members, i + 1));
            alternatives.add(alternative.toString());
            if (member.required()) {
                break;
            }
        }
        return alternatives.size() == 1 ? alternatives.getFirst() : "( " + String.join(" | ", alternatives) + " )";
    }

    /** Members from {@code from} on after one has been written: each behind a comma. */
    private static String laterMembers(List<Member> members, int from) {
        StringBuilder out = new StringBuilder();
        for (Member member : members.subList(from, members.size())) {
            String item = "ws \",\" ws " + member.expression();
            out.append(' ').append(member.required() ? item : "( " + item + " )" + (member.repeated() ? "*" : "?"));
        }
        return out.toString();
    }
}
