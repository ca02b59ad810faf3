#!/usr/bin/env bash
# Builds and runs examples/java-app, as a user of DLM would (run by .ci/run after `mvn verify`):
#   1. installs DLM's artifacts (parent, grammar, runtime, stdlib, compiler, dlm-maven-plugin) into a
#      private local repository, target/java-app/m2 (chained to ~/.m2 read-only by settings.xml),
#      so that the shared ~/.m2 is never written with them;
#   2. trains weights with `dlmc train --save` (one epoch on MNIST: 469 steps);
#   3. builds this app with Maven: dlm-maven-plugin compiles src/main/dlm/mnist.dlm;
#   4. runs it on the class path Maven computes for run time (which must be dlm-runtime alone)
#      plus the app's classes, and checks the test accuracy it prints.
# Needs JDK 25 (JAVA_HOME) and MNIST in $DLM_DATA.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/target/java-app"
repo="$out/m2"
mvn=(mvn -B -q -s "$here/settings.xml" -Dmaven.repo.local="$repo")
: "${DLM_DATA:?set DLM_DATA to a folder holding mnist/}"
mkdir -p "$out"

echo "java-app: installing DLM's artifacts into $repo"
(cd "$root" && "${mvn[@]}" install -DskipTests -Denforcer.skip -pl maven-plugin -am)

echo "java-app: training weights (dlmc train examples/mnist.dlm --epochs 1)"
"$root/dlmc" train "$root/examples/mnist.dlm" --epochs 1 --save "$out/mnist.npz" --data "$DLM_DATA" | tail -n 2

echo "java-app: building the app with dlm-maven-plugin"
(cd "$here" && "${mvn[@]}" clean package -DskipTests \
  && "${mvn[@]}" dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$out/runtime-classpath.txt")
cp="$(cat "$out/runtime-classpath.txt")"
if [ "$(basename "$cp")" != "dlm-runtime-0.1.0-SNAPSHOT.jar" ]; then
  echo "java-app: the app's run-time class path should be dlm-runtime alone, is: $cp" >&2
  exit 1
fi

echo "java-app: running with -cp dlm-runtime.jar:target/classes"
result="$(java --add-modules jdk.incubator.vector -cp "$cp:$here/target/classes" app.ClassifyMnist "$out/mnist.npz" "$DLM_DATA" 2>&1 | grep -v 'Using incubator modules')"
echo "$result"
acc="$(echo "$result" | sed -n 's/^test accuracy: \([0-9.]*\).*/\1/p')"
if [ -z "$acc" ] || ! awk -v a="$acc" 'BEGIN { exit !(a >= 0.95) }'; then
  echo "java-app: expected a test accuracy of at least 0.95 after one epoch" >&2
  exit 1
fi
echo "java-app: OK"
