/**
 * Graph passes: value-preserving rewrites that make graphs (forward and backward) smaller and
 * easier to read.
 *
 * <p>{@link dlm.compiler.ir.Graph} is append-only, so every {@link dlm.compiler.passes.GraphPass}
 * builds a new graph with a {@link dlm.compiler.passes.Rewriter}, which keeps spans and names
 * and remaps outputs by name. The passes:
 * <ul>
 *   <li>{@link dlm.compiler.passes.ConstantFolding} — small all-constant subgraphs become constants;</li>
 *   <li>{@link dlm.compiler.passes.AlgebraicSimplification} — {@code x*1}, {@code neg(neg(x))},
 *       reshape/transpose/cast chains, …;</li>
 *   <li>{@link dlm.compiler.passes.CommonSubexpressionElimination} — merges equal computations,
 *       never two params or two inputs;</li>
 *   <li>{@link dlm.compiler.passes.DeadCodeElimination} — drops what no output uses, keeping
 *       every input and param;</li>
 * </ul>
 * and {@link dlm.compiler.passes.PassPipeline#standard()} runs them to a fixed point, with
 * {@link dlm.compiler.passes.PassStats} per pass run.
 */
package dlm.compiler.passes;
