package dlm.spark;

import dlm.compiler.interp.ParamStore;
import dlm.compiler.train.ClusterBackend;
import dlm.compiler.train.ShardedTrainer;
import dlm.compiler.train.TrainGraph;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code dlmc train --spark MASTER}: a Spark context on MASTER (or the one spark-submit set up)
 * training one barrier stage an epoch ({@link SparkEpochs}); stopped when the JVM exits. Speculation is off.
 */
public final class SparkBackend implements ClusterBackend {
    @Override
    public String name() { return "spark"; }

    @Override
    public ShardedTrainer.Gradients open(String master, String fileName, String source, TrainGraph tg, ParamStore params, int shards, int syncEvery) {
        JavaSparkContext jsc = new JavaSparkContext(conf(master));
        jsc.setLogLevel("WARN"); // Spark's INFO lines would drown the progress lines
        Runtime.getRuntime().addShutdownHook(new Thread(jsc::stop, "dlm-spark-stop"));
        return new SparkEpochs(jsc, ProgramSource.of(fileName, source), tg, params, shards, syncEvery);
    }

    /**
     * The configuration of a context made for training: the master, the app name, no speculation,
     * the Vector API module on the executors, and this jar shipped to them (when it is a jar).
     */
    public static SparkConf conf(String master) {
        SparkConf c = new SparkConf().setAppName("dlm-train").set("spark.speculation", "false");
        if (master != null && !master.isEmpty()) c.setMaster(master);
        // the compiled steps use the Vector API, an incubator module every executor JVM must load
        String opts = c.get("spark.executor.extraJavaOptions", "");
        if (!opts.contains("jdk.incubator.vector")) c.set("spark.executor.extraJavaOptions", (opts + " --add-modules jdk.incubator.vector").trim());
        String jar = SparkBackend.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        if (jar.endsWith(".jar") && c.getOption("spark.jars").isEmpty()) c.set("spark.jars", jar);
        return c;
    }
}
