// decision/node.h — module-internal: how one kind of graph node runs.
//
// graph.cpp walks the graph and merges data along edges; a NodeHandler turns
// one node's merged input into its output. Each node kind compiles its JDM
// `content` into a handler once, at load.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "decision/graph.h"
#include "expr/expression.h"
#include "expr/value.h"

namespace credo::decision {

// The state one evaluation shares across its nodes (and sub-graphs).
struct NodeRun {
  expr::EvalContext eval;
  TraceLevel trace = TraceLevel::kNone;
  std::vector<expr::Value> reasons;  // in order, without duplicates
  std::string arm;
  int depth = 0;  // sub-graph nesting
};

// One compiled node.
class NodeHandler {
 public:
  virtual ~NodeHandler() = default;
  // The node's output for `input`. When tracing, `matched` receives what the
  // node chose (rules, arm, score...). Errors are plain messages; the graph
  // adds the node's name.
  virtual Result<expr::Value> Run(const expr::Value& input, NodeRun& run, expr::Value* matched) const = 0;
};

// A node's JDM definition and where it comes from, for compiling and for errors.
struct NodeSource {
  const nlohmann::json& node;
  std::string where;  // "graph.json: node 'Grade'"
  const GraphResolver& resolver;
};

// The compilers of each node kind. Errors name `where` and the rule, column
// or key at fault.
Result<std::unique_ptr<NodeHandler>> CompileDecisionTable(const NodeSource& source);
Result<std::unique_ptr<NodeHandler>> CompileExpressionNode(const NodeSource& source);
Result<std::unique_ptr<NodeHandler>> CompileSubgraphNode(const NodeSource& source);
Result<std::unique_ptr<NodeHandler>> CompileCustomNode(const NodeSource& source);
// The `features` custom node (features_node.cpp), from its content.config.
Result<std::unique_ptr<NodeHandler>> CompileFeaturesNode(const nlohmann::json& config,
                                                         const std::string& where,
                                                         const GraphResolver& resolver);

// Wraps `inner` in the node's transform attributes (inputField, outputPath,
// executionMode single/loop, passThrough), exactly as ZEN applies them to
// decision tables, expression nodes and decision nodes, and collects the
// reasons in what `inner` outputs.
Result<std::unique_ptr<NodeHandler>> WithTransformAttributes(std::unique_ptr<NodeHandler> inner,
                                                             const NodeSource& source);

// Adds the reasons `output` carries (its `reason` member and the elements of
// its `reasons` member; for an array, those of each element) to `run.reasons`.
void CollectReasons(const expr::Value& output, NodeRun& run);

// The text member `key` of a JDM object, "" when absent or not text.
std::string TextMember(const nlohmann::json& object, const char* key);

// What the credit nodes share (credit_nodes.cpp):
// the node's input with `result` merged in at `output_path`, the same merge a
// pass-through table or expression node uses;
expr::Value PassThrough(const expr::Value& input, const std::string& output_path, expr::Value result);
// `config.<key>` compiled as a standard expression; errors name `where` and the key;
Result<expr::CompiledExpression> CompileConfigExpression(const nlohmann::json& config, const char* key,
                                                         const std::string& where);
// a file the node's config names, against the graph's directory unless absolute.
std::string ResolveNodeFile(const std::string& file, const GraphResolver& resolver);

// The key `$nodes` under which ZEN gives nodes the outputs of earlier nodes by name.
inline constexpr std::string_view kNodesKey = "$nodes";

}  // namespace credo::decision
