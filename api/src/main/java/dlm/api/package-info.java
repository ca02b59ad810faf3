/**
 * Using a DLM model from Java: {@link dlm.api.DlmModel#load(java.nio.file.Path, java.nio.file.Path)}
 * loads a {@code .dlm} file and the weights {@code dlmc train --save} wrote for it;
 * {@link dlm.api.DlmModel#predictor()} gives a {@link dlm.api.Predictor} that predicts batches of
 * any size from any number of threads. Every problem is a {@link dlm.api.DlmModelException}:
 * {@link dlm.api.DlmCompileException} (located in the source), {@link dlm.api.WeightsException}
 * and {@link dlm.api.InputException}.
 *
 * <p>This module depends on the compiler (it compiles the predict step at run time).
 */
package dlm.api;
