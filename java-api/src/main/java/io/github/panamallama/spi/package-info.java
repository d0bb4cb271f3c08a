/**
 * The service interface between panama-llama and its natives jars. Applications never use it:
 * adding a natives jar to the class path or module path is all it takes.
 */
package io.github.panamallama.spi;
