package io.github.panamallama.springai;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The smallest Spring Boot application: everything it has comes from auto-configuration. */
@SpringBootApplication
public class TestApplication {}
