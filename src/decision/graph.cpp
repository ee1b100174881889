#include "decision/graph.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "decision/graph_impl.h"
#include "decision/value_ops.h"

namespace credo::decision {
namespace {

using expr::Object;
using expr::Value;
using nlohmann::json;

// ZEN's bound on walker restarts (each switch that prunes a branch restarts the walk).
constexpr int kMaxWalks = 1000;

std::string NodeLabel(const CompiledNode& node) { return "node '" + node.name + "' (" + node.type + ")"; }

Result<CompiledNode> CompileNode(const json& node, size_t index, const std::string& source,
                                 const GraphResolver& resolver) {
  if (!node.is_object())
    return Status::Invalid(source + ": nodes[" + std::to_string(index) + "] is not an object");
  CompiledNode out;
  out.id = TextMember(node, "id");
  out.name = TextMember(node, "name");
  out.type = TextMember(node, "type");
  if (out.id.empty()) return Status::Invalid(source + ": nodes[" + std::to_string(index) + "] has no id");
  if (out.name.empty()) out.name = out.id;
  const NodeSource where{node, source + ": " + NodeLabel(out), resolver};
  const std::string& type = out.type;
  if (type == "inputNode") {
    out.kind = CompiledNode::Kind::kInput;
  } else if (type == "outputNode") {
    out.kind = CompiledNode::Kind::kOutput;
  } else if (type == "switchNode") {
    out.kind = CompiledNode::Kind::kSwitch;
    const json content = node.value("content", json::object());
    out.switch_collect = TextMember(content, "hitPolicy") == "collect";
    const json statements = content.value("statements", json::array());
    for (size_t i = 0; i < statements.size(); ++i) {
      CompiledNode::Statement statement{TextMember(statements[i], "id"), std::nullopt};
      const std::string condition = TextMember(statements[i], "condition");
      if (condition.find_first_not_of(" \t\r\n") != std::string::npos) {
        auto compiled = expr::CompileStandard(condition);
        if (!compiled.ok()) {
          return Status::Invalid(where.where + ": statement " + std::to_string(i + 1) + ": " +
                                 compiled.status().ToString());
        }
        statement.condition = std::move(compiled).value();
      }
      out.statements.push_back(std::move(statement));
    }
  } else if (type == "decisionTableNode" || type == "expressionNode" || type == "decisionNode") {
    auto inner = type == "decisionTableNode" ? CompileDecisionTable(where)
                 : type == "expressionNode"  ? CompileExpressionNode(where)
                                             : CompileSubgraphNode(where);
    if (!inner.ok()) return inner.status();
    CREDO_ASSIGN_OR_RETURN(out.handler, WithTransformAttributes(std::move(inner).value(), where));
  } else if (type == "customNode") {
    out.type = TextMember(node.value("content", json::object()), "kind");
    CREDO_ASSIGN_OR_RETURN(out.handler, CompileCustomNode(where));
  } else if (type == "functionNode") {
    return Status::Invalid(where.where +
                           ": JavaScript function nodes are not supported; use an expression node or a "
                           "decision table");
  } else {
    return Status::Invalid(where.where + ": unknown node type '" + type + "'");
  }
  return out;
}

bool HasCycle(const DecisionGraph::Impl& g) {
  // Kahn's algorithm: a cycle leaves nodes that never reach in-degree 0.
  std::vector<int> in_degree(g.nodes.size(), 0);
  for (const auto& e : g.edges) ++in_degree[e.target];
  std::vector<int> ready;
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    if (in_degree[n] == 0) ready.push_back(static_cast<int>(n));
  }
  size_t done = 0;
  while (!ready.empty()) {
    const int n = ready.back();
    ready.pop_back();
    ++done;
    for (int e : g.out_edges[n]) {
      if (--in_degree[g.edges[e].target] == 0) ready.push_back(g.edges[e].target);
    }
  }
  return done != g.nodes.size();
}

// One evaluation's walk through the graph, as ZEN's GraphWalker does it:
// depth-first from the input node, a node runs once all its live parents
// have, and a switch prunes the edges of the branches it did not take (and,
// recursively, whatever those edges alone kept alive), then restarts the walk.
class Walk {
 public:
  explicit Walk(const DecisionGraph::Impl& g)
      : g_(g),
        edge_alive_(g.edges.size(), 1),
        node_alive_(g.nodes.size(), 1),
        visited_(g.nodes.size(), 0),
        switch_done_(g.nodes.size(), 0),
        has_data_(g.nodes.size(), 0),
        data_(g.nodes.size()) {
    Restart();
  }

  // The next node to run, or -1 when the walk is over. Evaluates switches
  // on the way (they need the walk's state to prune).
  int Next(NodeRun& run, std::vector<NodeTrace>* trace) {
    if (walks_ >= kMaxWalks) return -1;
    while (!stack_.empty()) {
      const int n = stack_.back();
      stack_.pop_back();
      if (visited_[n]) continue;
      if (!node_alive_[n]) return -1;
      bool resolved = true;
      for (int e : g_.in_edges[n]) {
        if (edge_alive_[e] && !visited_[g_.edges[e].source]) resolved = false;
      }
      if (!resolved) {
        stack_.push_back(n);
        for (int e : g_.in_edges[n]) {
          if (edge_alive_[e] && !visited_[g_.edges[e].source]) stack_.push_back(g_.edges[e].source);
        }
        continue;
      }
      visited_[n] = 1;
      const CompiledNode& node = g_.nodes[n];
      if (node.kind == CompiledNode::Kind::kSwitch && !switch_done_[n]) {
        switch_done_[n] = 1;
        if (RunSwitch(n, run, trace) > 0) {
          Restart();
          continue;
        }
      }
      for (int e : g_.out_edges[n]) {
        if (edge_alive_[e]) stack_.push_back(g_.edges[e].target);
      }
      return n;
    }
    return -1;
  }

  bool has_data(int n) const { return has_data_[n]; }
  void set_data(int n, Value v) {
    data_[n] = std::move(v);
    has_data_[n] = 1;
  }

  // The merge of the live parents' outputs, plus `$nodes` when asked.
  Value Incoming(int n, bool with_nodes) const {
    Value merged{Object{}};
    for (int e : g_.in_edges[n]) {
      const int s = g_.edges[e].source;
      if (edge_alive_[e] && has_data_[s]) merged = Merge(merged, data_[s]);
    }
    if (with_nodes && g_.uses_nodes_context && merged.is_object()) {
      Object nodes;
      for (size_t i = 0; i < g_.nodes.size(); ++i) {
        if (has_data_[i]) nodes.emplace_back(g_.nodes[i].name, data_[i]);
      }
      Object with = merged.as_object();
      DotInsert(with, kNodesKey, Value(std::move(nodes)));
      merged = Value(std::move(with));
    }
    return merged;
  }

  // The graph's result: the merge of the outputs of the visited nodes that
  // have no live outgoing edge, in node order.
  Value Result() const {
    Value result{Object{}};
    for (size_t n = 0; n < g_.nodes.size(); ++n) {
      if (!node_alive_[n] || !visited_[n] || !has_data_[n]) continue;
      bool leaf = true;
      for (int e : g_.out_edges[n]) leaf = leaf && !edge_alive_[e];
      if (leaf) result = Merge(result, data_[n]);
    }
    return result;
  }

 private:
  void Restart() {
    ++walks_;
    std::fill(visited_.begin(), visited_.end(), 0);
    stack_.clear();
    for (size_t n = 0; n < g_.nodes.size(); ++n) {
      if (node_alive_[n] && g_.nodes[n].kind == CompiledNode::Kind::kInput)
        stack_.push_back(static_cast<int>(n));
    }
  }

  // Chooses the statements, prunes the other edges; returns how many edges it removed.
  int RunSwitch(int n, NodeRun& run, std::vector<NodeTrace>* trace) {
    const CompiledNode& node = g_.nodes[n];
    const Value input = Incoming(n, true);
    std::vector<const std::string*> chosen;
    for (const auto& statement : node.statements) {
      bool taken = true;
      if (statement.condition) {
        taken = statement.condition->Holds(input, run.eval);
      }
      if (!taken) continue;
      chosen.push_back(&statement.id);
      if (!node.switch_collect) break;
    }
    const Value data = WithoutMember(input, kNodesKey);
    set_data(n, data);
    if (trace && run.trace != TraceLevel::kNone) {
      expr::Array ids;
      for (const std::string* id : chosen) ids.emplace_back(*id);
      NodeTrace t{node.id, node.name, node.type, Value(std::move(ids)), {}, {}};
      if (run.trace == TraceLevel::kFull) t.input = t.output = data;
      trace->push_back(std::move(t));
    }
    std::vector<int> remove;
    for (int e : g_.out_edges[n]) {
      if (!edge_alive_[e]) continue;
      const auto& handle = g_.edges[e].source_handle;
      bool keep = false;
      for (const std::string* id : chosen) keep = keep || (handle && *handle == *id);
      if (!keep) remove.push_back(e);
    }
    for (int e : remove) RemoveEdge(e);
    return static_cast<int>(remove.size());
  }

  int LiveEdges(const std::vector<int>& edges) const {
    int count = 0;
    for (int e : edges) count += edge_alive_[e];
    return count;
  }

  // ZEN's remove_edge_recursive: a node left without inputs loses its
  // outputs, a node left without outputs loses its inputs, and a node left
  // with no edges at all leaves the graph.
  void RemoveEdge(int e) {
    if (!edge_alive_[e]) return;
    edge_alive_[e] = 0;
    const int target = g_.edges[e].target;
    const int source = g_.edges[e].source;
    for (const auto& [n, incoming] : {std::pair{target, true}, std::pair{source, false}}) {
      const auto& same = incoming ? g_.in_edges[n] : g_.out_edges[n];
      const auto& opposite = incoming ? g_.out_edges[n] : g_.in_edges[n];
      if (LiveEdges(same) != 0) continue;
      for (int other : std::vector<int>(opposite)) RemoveEdge(other);
      if (LiveEdges(g_.in_edges[n]) == 0 && LiveEdges(g_.out_edges[n]) == 0) node_alive_[n] = 0;
    }
  }

  const DecisionGraph::Impl& g_;
  std::vector<char> edge_alive_, node_alive_, visited_, switch_done_, has_data_;
  std::vector<Value> data_;
  std::vector<int> stack_;
  int walks_ = 0;
};

}  // namespace

std::string TextMember(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

Result<Value> DecisionGraph::Impl::Run(const Value& input, NodeRun& run,
                                       std::vector<NodeTrace>* trace) const {
  Walk walk(*this);
  for (int n = walk.Next(run, trace); n >= 0; n = walk.Next(run, trace)) {
    if (walk.has_data(n)) continue;
    const CompiledNode& node = nodes[n];
    Value node_input;
    Value output;
    Value matched;
    bool terminate = false;
    switch (node.kind) {
      case CompiledNode::Kind::kInput:
        output = input;
        break;
      case CompiledNode::Kind::kOutput:
        output = walk.Incoming(n, false);
        terminate = true;
        break;
      case CompiledNode::Kind::kSwitch:  // evaluated by the walk
        break;
      case CompiledNode::Kind::kHandler: {
        node_input = walk.Incoming(n, true);
        auto result = node.handler->Run(node_input, run, run.trace != TraceLevel::kNone ? &matched : nullptr);
        if (!result.ok()) {
          return Status(result.status().code(), NodeLabel(node) + ": " + result.status().ToString());
        }
        output = WithoutMember(*result, kNodesKey);
        break;
      }
    }
    if (trace && run.trace != TraceLevel::kNone && node.kind != CompiledNode::Kind::kInput) {
      NodeTrace t{node.id, node.name, node.type, std::move(matched), {}, {}};
      if (run.trace == TraceLevel::kFull) {
        t.input = WithoutMember(node_input, kNodesKey);
        t.output = output;
      }
      trace->push_back(std::move(t));
    }
    walk.set_data(n, std::move(output));
    if (terminate) break;
  }
  return walk.Result();
}

DecisionGraph::DecisionGraph(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DecisionGraph::~DecisionGraph() = default;

const std::string& DecisionGraph::source() const { return impl_->source; }

Result<std::shared_ptr<const DecisionGraph>> DecisionGraph::Compile(const json& jdm,
                                                                    const std::string& source,
                                                                    const GraphResolver& resolver) {
  if (!jdm.is_object())
    return Status::Invalid(source + ": a decision graph is a JSON object with nodes and edges");
  auto impl = std::make_unique<Impl>();
  impl->source = source;
  const json nodes = jdm.value("nodes", json::array());
  const json edges = jdm.value("edges", json::array());
  if (!nodes.is_array() || !edges.is_array())
    return Status::Invalid(source + ": 'nodes' and 'edges' must be arrays");
  std::unordered_map<std::string, int> index;
  int inputs = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    CREDO_ASSIGN_OR_RETURN(CompiledNode node, CompileNode(nodes[i], i, source, resolver));
    if (!index.emplace(node.id, static_cast<int>(i)).second) {
      return Status::Invalid(source + ": two nodes have the id '" + node.id + "'");
    }
    inputs += node.kind == CompiledNode::Kind::kInput;
    impl->nodes.push_back(std::move(node));
  }
  if (inputs != 1) {
    return Status::Invalid(source + ": a decision graph needs exactly one inputNode, found " +
                           std::to_string(inputs));
  }
  impl->out_edges.resize(nodes.size());
  impl->in_edges.resize(nodes.size());
  for (size_t i = 0; i < edges.size(); ++i) {
    const std::string where = source + ": edge " + std::to_string(i + 1);
    CompiledEdge edge;
    for (const auto& [key, end] :
         {std::pair{"sourceId", &edge.source}, std::pair{"targetId", &edge.target}}) {
      const std::string id = TextMember(edges[i], key);
      auto it = index.find(id);
      if (it == index.end())
        return Status::Invalid(where + ": " + key + " '" + id + "' is not a node of the graph");
      *end = it->second;
    }
    const std::string handle = TextMember(edges[i], "sourceHandle");
    if (!handle.empty()) edge.source_handle = handle;
    impl->edges.push_back(std::move(edge));
  }
  for (int e = static_cast<int>(impl->edges.size()) - 1; e >= 0; --e) {
    impl->out_edges[impl->edges[e].source].push_back(e);
    impl->in_edges[impl->edges[e].target].push_back(e);
  }
  if (HasCycle(*impl)) return Status::Invalid(source + ": the graph has a cycle");
  impl->uses_nodes_context = nodes.dump().find(kNodesKey) != std::string::npos;
  return std::shared_ptr<const DecisionGraph>(new DecisionGraph(std::move(impl)));
}

Result<std::shared_ptr<const DecisionGraph>> DecisionGraph::LoadFile(const std::string& path,
                                                                     features::VelocityStore* velocity) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open decision graph '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  json jdm = json::parse(text.str(), nullptr, false);
  if (jdm.is_discarded()) return Status::Invalid(path + ": not valid JSON");
  GraphResolver resolver;
  resolver.base_dir = std::filesystem::path(path).parent_path().string();
  if (resolver.base_dir.empty()) resolver.base_dir = ".";
  resolver.velocity = velocity;
  return Compile(jdm, path, resolver);
}

Result<Evaluation> DecisionGraph::Evaluate(const Value& input, const EvaluateOptions& options) const {
  NodeRun run;
  run.eval.now_ms = options.now_ms;
  run.trace = options.trace;
  Evaluation evaluation;
  CREDO_ASSIGN_OR_RETURN(
      evaluation.output,
      impl_->Run(input, run, options.trace == TraceLevel::kNone ? nullptr : &evaluation.trace));
  evaluation.reasons = Value(std::move(run.reasons));
  evaluation.arm = std::move(run.arm);
  return evaluation;
}

}  // namespace credo::decision
