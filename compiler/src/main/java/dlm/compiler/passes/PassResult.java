package dlm.compiler.passes;

import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import java.util.Map;

/**
 * What a pass produced.
 *
 * @param graph   the new graph
 * @param mapping every node of the old graph whose value survives → the node of the new graph
 *                that computes it (a copy, a replacement or a merged node); nodes removed as dead
 *                are absent. Identity-keyed.
 * @param origins every node of the new graph → the old node it was created for (its copy, or
 *                the node it replaces); its span is that node's span. Identity-keyed.
 * @param changes how many old nodes were replaced, merged or removed (0: the pass did nothing,
 *                the new graph is a plain copy)
 */
public record PassResult(Graph graph, Map<Node, Node> mapping, Map<Node, Node> origins, int changes) {}
