/** A named module using panama-llama: run it with -m example.consumer/example.consumer.Main. */
module example.consumer {
    requires io.github.panamallama;
}
