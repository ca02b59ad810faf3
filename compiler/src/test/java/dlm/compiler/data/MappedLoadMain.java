package dlm.compiler.data;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.Value;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.Tensor;
import dlm.runtime.data.Dataset;
import java.nio.file.Path;

/** Run by {@link NpyMemoryMapTest} in a child JVM with a small heap: loads a program's data source and prints what it got. */
public final class MappedLoadMain {
    private MappedLoadMain() {}

    public static void main(String[] args) throws Exception {
        CheckedProgram p = Frontend.load(Path.of(args[0]));
        var source = (DataSource) ((Value.ConfigV) p.trains().get(0).settings().get("data")).args().get("source");
        Dataset d = DataSources.load(source, TrainGraph.build(p, p.trains().get(0)).feed());
        System.out.println("heap " + Runtime.getRuntime().maxMemory() + " rows " + d.trainImages().dim(0) + " " + d.testImages().dim(0)
                + " xsum " + (sum(d.trainImages()) + sum(d.testImages())) + " ysum " + (sum(d.trainLabels()) + sum(d.testLabels())) + " " + d.trainImages().dtype());
    }

    private static long sum(Tensor t) {
        long s = 0;
        for (int i = 0; i < t.size(); i++) s += t.getLong(i);
        return s;
    }
}
