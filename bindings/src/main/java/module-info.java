/**
 * The generated FFM layer for llama.cpp. Its package is exported only to the Java API:
 * applications never see {@code java.lang.foreign} through panama-llama.
 */
module io.github.panamallama.bindings {
    exports io.github.panamallama.internal.llama to io.github.panamallama;
}
