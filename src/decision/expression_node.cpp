// Expression nodes: `key = expression` pairs evaluated in order into one
// output object; each expression sees the node's input and, as `$`, the
// output computed so far.
#include <nlohmann/json.hpp>

#include "decision/node.h"
#include "decision/value_ops.h"

namespace credo::decision {
namespace {

using expr::Object;
using expr::Value;
using nlohmann::json;

struct Assignment {
  std::string key;  // dot path in the output
  expr::CompiledExpression expression;
  bool reads_output = false;  // mentions `$`: needs the output so far
};

class ExpressionNode final : public NodeHandler {
 public:
  std::vector<Assignment> assignments;

  Result<Value> Run(const Value& input, NodeRun& run, Value* matched) const override {
    Object output;
    Value so_far{Object{}};
    bool so_far_current = true;
    expr::EvalContext context = run.eval;
    context.dollar = &so_far;
    for (const Assignment& a : assignments) {
      if (a.reads_output && !so_far_current) {
        so_far = Value(output);
        so_far_current = true;
      }
      auto v = a.expression.Evaluate(input, context);
      if (!v.ok()) return Status::Invalid("'" + a.key + "': " + v.status().ToString());
      DotInsert(output, a.key, std::move(v).value());
      so_far_current = false;
    }
    return Value(std::move(output));
  }
};

}  // namespace

Result<std::unique_ptr<NodeHandler>> CompileExpressionNode(const NodeSource& source) {
  const json content = source.node.value("content", json::object());
  auto node = std::make_unique<ExpressionNode>();
  const json expressions = content.value("expressions", json::array());
  for (size_t i = 0; i < expressions.size(); ++i) {
    const std::string key = TextMember(expressions[i], "key");
    const std::string text = TextMember(expressions[i], "value");
    if (key.empty() || text.empty()) continue;
    auto compiled = expr::CompileStandard(text);
    if (!compiled.ok()) {
      return Status::Invalid(source.where + ": expression " + std::to_string(i + 1) + " '" + key +
                             "': " + compiled.status().ToString());
    }
    node->assignments.push_back({key, std::move(compiled).value(), text.find('$') != std::string::npos});
  }
  return std::unique_ptr<NodeHandler>(std::move(node));
}

}  // namespace credo::decision
