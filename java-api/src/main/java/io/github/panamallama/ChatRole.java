package io.github.panamallama;

/** Who wrote a chat message. */
public enum ChatRole {
    SYSTEM("system"),
    USER("user"),
    ASSISTANT("assistant");

    private final String templateName;

    ChatRole(String templateName) {
        this.templateName = templateName;
    }

    /** The role name chat templates use. */
    public String templateName() {
        return templateName;
    }
}
