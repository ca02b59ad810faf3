package dlm.spark;

import java.io.Serializable;

/** The training rows and their batch size, broadcast once for a run (every epoch only sends its row order). */
record TrainData(Blob images, Blob labels, int batchSize) implements Serializable {}
