// Decision nodes: a whole other graph, loaded by key at compile time and
// evaluated on this node's input; its result is this node's output.
#include <filesystem>
#include <nlohmann/json.hpp>

#include "decision/graph_impl.h"
#include "decision/node.h"
#include "decision/value_ops.h"

namespace credo::decision {
namespace {

using expr::Value;
using nlohmann::json;

// Deeper nesting than this is refused (ZEN's default depth limit).
constexpr int kMaxDepth = 5;

class SubgraphNode final : public NodeHandler {
 public:
  std::string key;
  std::shared_ptr<const DecisionGraph> graph;

  Result<Value> Run(const Value& input, NodeRun& run, Value* matched) const override {
    if (run.depth + 1 >= kMaxDepth) {
      return Status::Invalid("sub-graph '" + key + "' nests deeper than " + std::to_string(kMaxDepth) +
                             " levels");
    }
    ++run.depth;
    auto result = graph->impl().Run(WithoutMember(input, kNodesKey), run, nullptr);
    --run.depth;
    if (!result.ok()) return Status::Invalid("sub-graph '" + key + "': " + result.status().message());
    if (matched) *matched = Value(key);
    return result;
  }
};

}  // namespace

Result<std::unique_ptr<NodeHandler>> CompileSubgraphNode(const NodeSource& source) {
  const json content = source.node.value("content", json::object());
  auto node = std::make_unique<SubgraphNode>();
  node->key = TextMember(content, "key");
  if (node->key.empty())
    return Status::Invalid(source.where + ": a decision node needs the key of its graph");
  if (source.resolver.load_subgraph) {
    auto loaded = source.resolver.load_subgraph(node->key);
    if (!loaded.ok()) return Status::Invalid(source.where + ": " + loaded.status().ToString());
    node->graph = std::move(loaded).value();
  } else {
    const std::filesystem::path path = std::filesystem::path(source.resolver.base_dir) / node->key;
    auto loaded = DecisionGraph::LoadFile(path.string());
    if (!loaded.ok()) return Status::Invalid(source.where + ": " + loaded.status().ToString());
    node->graph = std::move(loaded).value();
  }
  return std::unique_ptr<NodeHandler>(std::move(node));
}

}  // namespace credo::decision
