package dlm.runtime.exec;

/**
 * What a generated class implements: one step of a compiled model (a train step — forward,
 * loss, backward and optimizer update —, an eval step or a predict step).
 *
 * <p>A generated class has one constructor taking {@code Object[]} — every array it works on,
 * in the order of its memory plan: inputs, params, optimizer slots, constants, intermediates,
 * scratch and outputs, each allocated once when the model is compiled. {@link #run()} reads the
 * inputs, computes into those arrays and allocates nothing. Params and slots are updated in
 * place. Generated code depends on this package ({@link Blas}, {@link Nn}, {@link Scalar},
 * {@link Failures}) and the JDK only.
 */
public interface CompiledStep {

    /** Runs the step once over the bound arrays. */
    void run();
}
