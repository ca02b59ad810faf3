/**
 * The code generator: a graph (in practice a train block's train, eval or predict step) becomes
 * one JVM class implementing {@link dlm.runtime.exec.CompiledStep}, whose {@code run()} executes
 * the step as fused, allocation-free loops and kernel calls over arrays allocated once.
 *
 * <h2>Pipeline</h2>
 * <ol>
 *   <li>{@link dlm.compiler.passes.PassPipeline#standard()} (fold, simplify, CSE, DCE).</li>
 *   <li>Shape specialization: the symbolic dims (the batch) are bound to concrete sizes
 *       ({@link dlm.compiler.codegen.Codegen#bind}); one class per batch size.</li>
 *   <li>{@link dlm.compiler.codegen.Planner}: lowering and fusion, outputs and in-place updates,
 *       schedule, memory plan (see its comment).</li>
 *   <li>{@link dlm.compiler.codegen.ClassGen}: bytecode through the typed helper layer
 *       {@link dlm.compiler.codegen.Code} over ASM's tree API; the element-wise code of each op is
 *       stated by its registry entry ({@link dlm.compiler.ops.ElementwiseOp#emit}, in the
 *       {@link dlm.compiler.ops.ScalarCode} vocabulary that {@link dlm.compiler.codegen.ScalarOps}
 *       turns into bytecode); one method per step; {@code SourceFile} and
 *       {@code LineNumberTable} from the nodes' spans.</li>
 *   <li>{@link dlm.compiler.codegen.Compilation}: the class bytes, a hidden class defined from
 *       them, instances over freshly allocated (or bound) arrays ({@link dlm.compiler.codegen.CompiledGraph}).</li>
 * </ol>
 *
 * <h2>What is generated and what is called</h2>
 * Generated loops: every element-wise op (arithmetic, comparisons, logic, where, casts, oneHot,
 * transcendental functions), run-time random draws ({@code randomUniform}, {@code randomNormal}:
 * the Philox block of an element's counter computed in locals, once per block of consecutive
 * elements, {@link dlm.compiler.codegen.RandomDraws}; so a dropout mask is made in the loop that
 * applies it), broadcasting (index arithmetic fixed at compile time, never a
 * materialized copy), reductions (sum, mean, max, min, argmax, argmin; into a register when the
 * reduced axes are innermost, else into an accumulator array), and data movement that strides
 * cannot express (pad, concat, tile, copies). Free: reshape, expandDims, squeeze, transpose,
 * broadcastTo and slice are views. Kernels ({@code dlm.runtime.exec}): matrix products through
 * {@link dlm.runtime.exec.Blas} (transposed operands passed as flags), and the runtime method each
 * kernel op names ({@link dlm.compiler.ops.KernelOp}; today softmax/logSoftmax rows and the sparse
 * softmax-crossentropy of {@link dlm.runtime.exec.Nn}), called generically ({@code KernelMethods}),
 * and the sums of a stored f32 tensor over its leading axes (bias gradients: {@code LeadingSum},
 * {@link dlm.runtime.exec.Reductions}, vectorized with the loop's double-accumulator bits).
 *
 * <h2>Fusion around the matrix products</h2>
 * <ul>
 *   <li><b>Epilogue:</b> a dense layer's {@code relu(x·W + b)} is one kernel call: when a product's
 *       only reader adds a stored row vector, and/or the result's only reader is a relu, both run
 *       in the GEMM's epilogue while the tile is in registers ({@code GemmEpilogueRule}). This
 *       is why relu's VJP reads its output ({@code out > 0}, as PyTorch's threshold_backward): the
 *       pre-activation is then never stored.</li>
 *   <li><b>Relu backward:</b> {@code where(y > 0, g, 0)} of a product g read only there is
 *       applied to g right after the product, with vector compares and blends
 *       ({@code GemmReluMaskRule}, {@code Masks}); in the MNIST step that is dh = dlogits·W2ᵀ.</li>
 *   <li><b>u8 operands:</b> a product's left operand that is an element-wise function of one u8
 *       array ({@code images.toF32() / 255f}) and has no other reader is tabulated at compile time
 *       (256 values, computed by the reference evaluation) and applied by the GEMM while it packs
 *       the bytes ({@code GemmByteTableRule}, {@code TablePackA}); no float copy of the
 *       batch exists, for x·W1 and for the weight gradient xᵀ·dz alike. Such products also skip
 *       the k steps where 8 packed rows are all zero (81% of MNIST's pixels are), the dense
 *       result bit for bit up to the sign of an exact zero (see {@code dlm.runtime.kernels.Gemm}):
 *       about half the multiply-adds of the two big products of the MNIST step.</li>
 * </ul>
 *
 * <h2>Exactness</h2>
 * Generated loops compute what the reference interpreter computes, bit for bit: each node's
 * value is rounded to its dtype as the interpreter's store would round it, f32 arithmetic that
 * equals double-then-round runs in float, the rest in double; sums accumulate in double (long
 * for integers) in the interpreter's order. The one difference: f32 matrix products accumulate in
 * float.
 *
 * <h2>Loops</h2>
 * Plain counted int loops over arrays loaded into locals, which C2 unrolls and auto-vectorizes,
 * rather than Vector API code: measured on this machine, the Adam update (memory-bound) runs
 * equally fast either way, and what kept loops slow were data-dependent branches (a relu mask
 * or a {@code where} mispredicting on half the elements), which the generator avoids by emitting
 * comparisons and selects branch-free (bit selects; float comparisons from the sign and NaN bits
 * of a difference, because C2 compiles FCMP itself to compare-and-jump on x86: 7 ns an element
 * on a random relu mask, against about 1 ns branch-free). C2 does not vectorize those bit tricks
 * (no vectorized float-to-int bit moves), so a loop with a comparison runs scalar, at ~1 ns an
 * element; pure arithmetic loops are vectorized.
 *
 * <h2>Parallel loops</h2>
 * An element-wise loop (no reduction, no label check) of at least
 * {@code ClassGen.PARALLEL_MIN_ELEMENTS} (64k) elements, whose stored arrays are read only at the
 * stored element, is emitted as a method {@code STEP$pN(part, parts)} over a contiguous slice of
 * its outermost dimension, and the step forks it across the GEMM's
 * {@link dlm.runtime.kernels.KernelPool} through the instance's one
 * {@link dlm.runtime.kernels.ParallelLoops.Task} (made in the constructor: nothing is allocated
 * per step). Each element is computed by the same code as before, so results are bit-identical;
 * reductions are never split. A big loop whose value is stored anyway does not take in a
 * reduction of it (which would make it one thread's): the reduction gets a loop of its own,
 * which re-reads the stored values (property {@code dlm.codegen.splitReductions}). In the MNIST
 * train step the parallel loop is the Adam update of the 784×512 weight.
 */
package dlm.compiler.codegen;
