# What dlmc shows of Maven's output while it builds itself (sed -n -f maven-progress.sed):
# one line a module as Maven starts it, and no terminal colour codes (Maven prints some even
# with -B -Dstyle.color=never).
s/\x1b\[[0-9;]*m//g
s/^\[INFO\] Building \(DLM.*\) [0-9][0-9A-Za-z.-]* *\(\[[0-9]*\/[0-9]*\]\)$/dlmc:   building \1 \2/p
s/^\[ERROR\] \(.*\)$/dlmc: maven: \1/p
