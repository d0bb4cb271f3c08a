// The invoker's check after building tests/consumer: runs its Main as README.md says, on the
// class path and as a named module, with nothing that could point panama-llama at a native
// library but the natives jar: no panamallama.* property, no PANAMA_LLAMA_* variable, and a
// working directory outside the checkout. Each run must exit 0 (Main checks its tokens), draw
// no native-access warning from the JVM (so the grants are complete), load llama.cpp from outside the
// checkout, and both runs must generate the same tokens.
// Variables from the invoker: basedir (this clone), model, checkout (the panama-llama tree).

def java = new File(System.getProperty('java.home'), 'bin/java').path
def jar = 'target/panama-llama-consumer-1.0.jar'
def runs = [
    'class path' : [java, '--enable-native-access=ALL-UNNAMED',
                    '-cp', "${jar}${File.pathSeparator}target/lib/*", 'example.consumer.Main', model],
    'module path': [java, '--enable-native-access=io.github.panamallama,io.github.panamallama.bindings',
                    '--module-path', "${jar}${File.pathSeparator}target/lib", '-m', 'example.consumer/example.consumer.Main', model],
]
def expectedMode = ['class path': 'class path', 'module path': 'module example.consumer']

def outputs = [:]
runs.each { name, command ->
    def builder = new ProcessBuilder(command*.toString()).directory(basedir).redirectErrorStream(true)
    def environment = builder.environment()
    environment.keySet().removeIf { it.startsWith('PANAMA_LLAMA_') }
    ['JAVA_TOOL_OPTIONS', 'JDK_JAVA_OPTIONS', '_JAVA_OPTIONS'].each { environment.remove(it) }
    long start = System.nanoTime()
    def process = builder.start()
    process.outputStream.close()
    def output = process.inputStream.getText('UTF-8')
    process.waitFor()
    long millis = (System.nanoTime() - start).intdiv(1_000_000)
    println "consumer on the ${name} (${millis} ms, exit ${process.exitValue()}):"
    output.eachLine { println "  ${it.length() > 200 ? it.substring(0, 200) + '...' : it}" }

    def fail = { String why -> throw new IllegalStateException("consumer on the ${name}: ${why}") }
    if (process.exitValue() != 0) fail("exit code ${process.exitValue()}")
    if (!output.contains("running as: ${expectedMode[name]}")) fail("did not run as ${expectedMode[name]}")
    def warnings = output.readLines().findAll {
        def line = it.toLowerCase(Locale.ROOT)
        line.startsWith('warning:') && (line.contains('restricted method') || line.contains('native access'))
    }
    if (warnings) fail("the JVM warned about native access (a grant is missing): ${warnings}")
    if (!output.contains('(BUNDLED)')) fail('llama.cpp did not come from the natives jar (source BUNDLED)')
    def directory = (output =~ /library directory: (.+)/)
    if (!directory.find()) fail('no library directory printed')
    def canonical = new File(directory.group(1).trim()).canonicalPath
    if (canonical.startsWith(new File(checkout).canonicalPath + File.separator)) {
        fail("llama.cpp came from the checkout (${canonical}), not from the natives jar")
    }
    outputs[name] = output.readLines().find { it.startsWith('tokens (') }
}
if (outputs['class path'] != outputs['module path']) {
    throw new IllegalStateException("the two runs generated different tokens:\n${outputs}")
}
return true
