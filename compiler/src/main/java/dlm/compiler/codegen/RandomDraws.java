package dlm.compiler.codegen;

import static org.objectweb.asm.Opcodes.*;

import dlm.compiler.codegen.Code.Local;
import dlm.compiler.codegen.Loop.RandVal;
import dlm.runtime.DType;
import dlm.runtime.random.Philox;
import org.objectweb.asm.Label;

/**
 * The code of a random draw inside a fused loop ({@link RandVal}): the Philox-4x32-10 block of the
 * element's counter, computed in locals, and the element's word(s) of it converted by
 * {@link Philox}'s own conversion methods. Element {@code i} of a uniform f32 tensor is word
 * {@code i % 4} of block {@code i / 4} ({@link Philox}'s pinned mapping), so the loop keeps the last
 * block in four locals and computes a new one only when the block number changes: once per four
 * consecutive elements in the usual row-major walk, and correctly (if more often) in any other
 * walk or part of a parallel split, since every value is a function of its index alone.
 */
final class RandomDraws {
    private final Code c;
    private final RandVal v;
    /** The block held in {@link #w} (-1: none yet), and its four words. */
    private final Local cached;
    private final Local[] w = new Local[4];

    /** Declares the draw's locals and sets them before the loop (so they are definitely assigned). */
    RandomDraws(Code c, RandVal v) {
        this.c = c;
        this.v = v;
        this.cached = c.newLocal(JType.INT);
        c.iconst(-1).store(cached);
        for (int j = 0; j < 4; j++) {
            w[j] = c.newLocal(JType.INT);
            c.iconst(0).store(w[j]);
        }
    }

    /** Pushes the value (in the draw's compute type) of the element whose index is in {@code index}. */
    void emit(Local index, Local seed, Local step) {
        int per = v.perBlock();
        Local blk = c.newLocal(JType.INT);
        c.load(index);
        if (per > 1) c.iconst(Integer.numberOfTrailingZeros(per)).insn(IUSHR);
        c.store(blk);
        if (per > 1) {
            Label have = new Label();
            c.load(blk).load(cached).jump(IF_ICMPEQ, have);
            block(blk, seed, step);
            c.load(blk).store(cached);
            c.label(have);
        } else {
            block(blk, seed, step);
        }
        String owner = "dlm/runtime/random/Philox";
        if (v.normal) {
            for (Local x : w) c.load(x);
            c.invokeStatic(owner, "normal", "(IIII)D");
            if (v.dtype == DType.F32) c.insn(D2F);
            return;
        }
        if (v.dtype == DType.F32) {
            word(index, 3, 0);
            c.invokeStatic(owner, "f32", "(I)F");
        } else {
            word(index, 1, 0);
            word(index, 1, 1);
            c.invokeStatic(owner, "f64", "(II)D");
        }
    }

    /** Pushes word {@code index & 3} of the block (mask 3), or word {@code 2·(index & 1) + plus} (mask 1). */
    private void word(Local index, int mask, int plus) {
        c.load(index).iconst(mask).insn(IAND);
        if (mask == 1) c.iconst(1).insn(ISHL).iconst(plus).insn(IADD);
        for (Local x : w) c.load(x);
        c.invokeStatic("dlm/runtime/random/Philox", "word", "(IIIII)I");
    }

    /**
     * {@link Philox#block} for counter {@code (blk, stream, step low, step high)} and key
     * {@code (seed low, seed high)}, into {@link #w}: the same rounds, written out.
     */
    private void block(Local blk, Local seed, Local step) {
        Local c0 = w[0], c1 = w[1], c2 = w[2], c3 = w[3];
        Local k0 = c.newLocal(JType.INT), k1 = c.newLocal(JType.INT), p0 = c.newLocal(JType.LONG), p1 = c.newLocal(JType.LONG),
                n0 = c.newLocal(JType.INT);
        c.load(blk).store(c0);
        c.iconst(v.stream).store(c1);
        c.load(step).insn(L2I).store(c2);
        c.load(step).iconst(32).insn(LUSHR).insn(L2I).store(c3);
        c.load(seed).insn(L2I).store(k0);
        c.load(seed).iconst(32).insn(LUSHR).insn(L2I).store(k1);
        for (int r = 0; r < Philox.ROUNDS; r++) {
            if (r > 0) {
                c.load(k0).iconst(Philox.W0).insn(IADD).store(k0);
                c.load(k1).iconst(Philox.W1).insn(IADD).store(k1);
            }
            unsignedProduct(Philox.M0, c0, p0);
            unsignedProduct(Philox.M1, c2, p1);
            // n0 = hi(p1) ^ c1 ^ k0; c2 = hi(p0) ^ c3 ^ k1; c1 = lo(p1); c3 = lo(p0); c0 = n0
            c.load(p1).iconst(32).insn(LUSHR).insn(L2I).load(c1).insn(IXOR).load(k0).insn(IXOR).store(n0);
            c.load(p0).iconst(32).insn(LUSHR).insn(L2I).load(c3).insn(IXOR).load(k1).insn(IXOR).store(c2);
            c.load(p1).insn(L2I).store(c1);
            c.load(p0).insn(L2I).store(c3);
            c.load(n0).store(c0);
        }
    }

    /** {@code p = (m & 0xFFFFFFFFL) * (x & 0xFFFFFFFFL)}. */
    private void unsignedProduct(int m, Local x, Local p) {
        c.lconst(m & 0xFFFFFFFFL);
        c.load(x).insn(I2L).lconst(0xFFFFFFFFL).insn(LAND);
        c.insn(LMUL).store(p);
    }
}
