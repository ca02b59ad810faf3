package dlm.compiler.codegen;

import java.util.ArrayList;
import java.util.List;

/** One array of the memory plan: a field of the generated class, allocated once. */
final class Buf {
    final int index;
    final Storage storage;
    int capacity;
    /** The values that live in this array (several TEMP values over disjoint lifetimes). */
    final List<Value> values = new ArrayList<>();
    /** For external and constant values, the one value whose array this is. */
    final Value owner;

    Buf(int index, Storage storage, int capacity, Value owner) {
        this.index = index;
        this.storage = storage;
        this.capacity = capacity;
        this.owner = owner;
    }

    String field() { return "b" + index; }
}
