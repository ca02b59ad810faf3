/**
 * Using a DLM model from Java: {@link dlm.api.DlmModel#load(java.nio.file.Path, java.nio.file.Path)}
 * loads a {@code .dlm} file and the weights {@code dlmc train --save} wrote for it;
 * {@link dlm.api.DlmModel#predictor()} gives a {@link dlm.api.Predictor} that predicts batches of
 * any size from any number of threads. {@link dlm.api.DlmModel#fit} trains a model on a
 * {@link dlm.api.Dataset} of Java arrays with {@code dlmc train}'s own code, its train block
 * overridden by {@link dlm.api.FitOptions} and reported to a {@link dlm.api.FitListener}. Every problem is a {@link dlm.api.DlmModelException}:
 * {@link dlm.api.DlmCompileException} (located in the source), {@link dlm.api.WeightsException}
 * and {@link dlm.api.InputException}.
 *
 * <p>This module depends on the compiler (it compiles the steps at run time). An application
 * that only predicts with models known at build time can instead use {@code dlm-maven-plugin},
 * whose generated facades need only the runtime.
 */
package dlm.api;
