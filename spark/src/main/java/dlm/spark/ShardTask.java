package dlm.spark;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.io.Serializable;

/**
 * One shard of one train step, as shipped to an executor: the shard's rows of the batch, the
 * batch's size (the shard's gradient is scaled by its share), the step and the seed. The weights
 * travel apart, broadcast once a step to each executor.
 */
record ShardTask(int shard, int rows, int batch, long step, long seed, String imagesDType, int[] imagesShape, Object images,
                 String labelsDType, int[] labelsShape, Object labels) implements Serializable {

    Tensor imagesTensor() { return Tensor.wrap(DType.valueOf(imagesDType), imagesShape, images); }

    Tensor labelsTensor() { return Tensor.wrap(DType.valueOf(labelsDType), labelsShape, labels); }
}
