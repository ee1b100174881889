// decision/graph_impl.h — module-internal: the compiled form of a graph.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "decision/graph.h"
#include "decision/node.h"
#include "expr/expression.h"

namespace credo::decision {

// One node of a compiled graph.
struct CompiledNode {
  enum class Kind { kInput, kOutput, kSwitch, kHandler };
  // One branch of a switch node; no condition = always taken.
  struct Statement {
    std::string id;
    std::optional<expr::CompiledExpression> condition;
  };

  std::string id;
  std::string name;
  std::string type;  // JDM type, or the custom node's kind
  Kind kind = Kind::kHandler;
  std::unique_ptr<NodeHandler> handler;  // kHandler
  std::vector<Statement> statements;     // kSwitch
  bool switch_collect = false;           // kSwitch: take every true statement, not only the first
};

// One edge; `source_handle` names the switch statement it leaves from.
struct CompiledEdge {
  int source = 0;
  int target = 0;
  std::optional<std::string> source_handle;
};

struct DecisionGraph::Impl {
  std::string source;
  std::vector<CompiledNode> nodes;
  std::vector<CompiledEdge> edges;
  // Per node, edge indices newest first: the order in which ZEN (petgraph)
  // visits neighbours, which decides merge precedence and walk order.
  std::vector<std::vector<int>> out_edges;
  std::vector<std::vector<int>> in_edges;
  bool uses_nodes_context = false;  // some expression reads `$nodes`

  // Evaluates the graph within `run` (shared with the caller when this is a
  // sub-graph); appends to `trace` when it is not null.
  Result<expr::Value> Run(const expr::Value& input, NodeRun& run, std::vector<NodeTrace>* trace) const;
};

}  // namespace credo::decision
