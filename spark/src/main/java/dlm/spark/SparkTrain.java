package dlm.spark;

import java.util.ArrayList;
import java.util.List;

/**
 * spark-submit's entry point: {@code spark-submit --class dlm.spark.SparkTrain dlm-spark.jar
 * model.dlm --shards K [dlmc train options]} is {@code dlmc train model.dlm --spark <the master
 * spark-submit gives> --shards K …}.
 */
public final class SparkTrain {
    private SparkTrain() {}

    public static void main(String[] args) throws Exception {
        List<String> a = new ArrayList<>(List.of("train"));
        a.addAll(List.of(args));
        if (!a.contains("--spark")) {
            a.add("--spark");
            a.add(System.getProperty("spark.master", ""));
        }
        dlm.compiler.cli.Main.main(a.toArray(String[]::new));
    }
}
