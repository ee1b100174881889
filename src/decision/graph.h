// decision/graph.h — a strategy as a JDM decision graph: compiled once,
// evaluated many times.
//
// Credo's strategies are JDM graphs (the JSON Decision Model of the GoRules
// ZEN engine), so analysts author them in GoRules' editor and graphs written
// for ZEN run here unchanged. Node types: inputNode, outputNode,
// decisionTableNode (hit policy first or collect; pass-through, input field,
// output path, loop mode), expressionNode, switchNode, decisionNode (a
// sub-graph loaded by key) and Credo's credit nodes, JDM customNodes with a
// `kind`: model, matrix, challenger and features (docs/strategies.md). A JavaScript
// functionNode is refused at load.
//
// Compile() checks everything it can before the first request: one input
// node, no cycles, no edge to a missing node, every cell and expression
// parses (errors name the node, the rule and the column). Evaluate() is
// const and thread-safe: any number of threads may evaluate one graph.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "expr/value.h"

namespace credo::features {
class VelocityStore;
}

namespace credo::decision {

// How much of its path through the graph an evaluation records.
enum class TraceLevel {
  kNone,
  kMatched,  // per node: the rules, statements or arms it chose (what audit keeps)
  kFull,     // also each node's input and output (`--trace`, `?trace=true`)
};

// What an evaluation may depend on besides its input.
struct EvaluateOptions {
  int64_t now_ms = 0;  // the clock date functions see (UTC ms): pinned for replay and backtest
  TraceLevel trace = TraceLevel::kNone;
};

// One node's part in an evaluation, in the order the nodes ran.
struct NodeTrace {
  std::string id;
  std::string name;
  std::string type;     // "decisionTableNode", "model", ...
  expr::Value matched;  // rules [{index, _id, _description}], statement ids, {arm}, {score}...
  expr::Value input;    // kFull only
  expr::Value output;   // kFull only
};

// What one evaluation gives.
struct Evaluation {
  expr::Value output;
  // Reject and refer reasons in the order nodes produced them: every `reason`
  // and every element of `reasons` a node outputs (docs/strategies.md).
  expr::Value reasons;
  std::string arm;  // the champion/challenger arm chosen, "" when the graph has none
  std::vector<NodeTrace> trace;
};

class DecisionGraph;

// Finds what a graph names: sub-graphs of decisionNodes and model files.
struct GraphResolver {
  // Relative model paths and sub-graph keys resolve against this directory.
  std::string base_dir = ".";
  // Loads the graph a decisionNode names by `key`; when empty, `key` is a
  // file under base_dir.
  std::function<Result<std::shared_ptr<const DecisionGraph>>(const std::string& key)> load_subgraph;
  // Where `features` nodes read velocity.* counts; null when there is no
  // store (a graph that needs one then fails to compile).
  features::VelocityStore* velocity = nullptr;
};

// A compiled, immutable decision graph.
class DecisionGraph {
 public:
  ~DecisionGraph();
  DecisionGraph(const DecisionGraph&) = delete;
  DecisionGraph& operator=(const DecisionGraph&) = delete;

  // Compiles a parsed JDM document. `source` names it in errors.
  static Result<std::shared_ptr<const DecisionGraph>> Compile(const nlohmann::json& jdm,
                                                              const std::string& source,
                                                              const GraphResolver& resolver);
  // Reads and compiles a JDM file; sub-graphs and models resolve against its
  // directory, velocity features against `velocity` when given.
  static Result<std::shared_ptr<const DecisionGraph>> LoadFile(const std::string& path,
                                                               features::VelocityStore* velocity = nullptr);

  // Evaluates the graph on `input` (the request JSON as a Value). Errors
  // name the node that failed.
  Result<Evaluation> Evaluate(const expr::Value& input, const EvaluateOptions& options) const;

  // The name it was compiled under (its file, or the registry's name and version).
  const std::string& source() const;

  struct Impl;  // module-internal (graph_impl.h)
  const Impl& impl() const { return *impl_; }

 private:
  explicit DecisionGraph(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace credo::decision
