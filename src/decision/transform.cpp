// The transform attributes ZEN gives decision tables, expression nodes and
// decision nodes: run on `inputField` instead of the whole input, once per
// element in loop mode, put the result at `outputPath`, and merge it into
// the input with `passThrough`. Also where node outputs give up their reasons.
#include <nlohmann/json.hpp>
#include <optional>

#include "decision/node.h"
#include "decision/value_ops.h"

namespace credo::decision {
namespace {

using expr::Object;
using expr::Value;
using nlohmann::json;

Value WithNodes(const Value& v, const Value* nodes) {
  if (!nodes || !v.is_object()) return v;
  Object copy = v.as_object();
  DotInsert(copy, kNodesKey, *nodes);
  return Value(std::move(copy));
}

class Transformed final : public NodeHandler {
 public:
  std::unique_ptr<NodeHandler> inner;
  std::optional<expr::CompiledExpression> input_field;
  std::string output_path;
  bool loop = false;
  bool pass_through = false;

  Result<Value> Run(const Value& input, NodeRun& run, Value* matched) const override {
    Value in = input;
    if (input_field) {
      auto v = input_field->Evaluate(input, run.eval);
      if (!v.ok()) return Status::Invalid("inputField: " + v.status().ToString());
      const Value* nodes = input.Find(kNodesKey);
      if (v->is_array()) {
        expr::Array elements;
        for (const Value& element : v->as_array()) elements.push_back(WithNodes(element, nodes));
        in = Value(std::move(elements));
      } else {
        in = WithNodes(*v, nodes);
      }
    }
    Value output;
    if (!loop) {
      CREDO_ASSIGN_OR_RETURN(Value raw, inner->Run(in, run, matched));
      CollectReasons(raw, run);
      output = WithoutMember(raw, kNodesKey);
    } else {
      if (!in.is_array()) {
        return Status::Invalid(std::string("loop mode expects an array") +
                               (input_field ? " at inputField '" + input_field->text() + "'" : "") +
                               ", got " + in.TypeName());
      }
      expr::Array results;
      expr::Array traces;
      for (const Value& element : in.as_array()) {
        Value element_matched;
        CREDO_ASSIGN_OR_RETURN(Value raw, inner->Run(element, run, matched ? &element_matched : nullptr));
        CollectReasons(raw, run);
        if (pass_through) raw = Merge(element, raw);
        results.push_back(WithoutMember(raw, kNodesKey));
        if (matched) traces.push_back(std::move(element_matched));
      }
      output = Value(std::move(results));
      if (matched) *matched = Value(std::move(traces));
    }
    if (!output_path.empty()) {
      Object at;
      DotInsert(at, output_path, std::move(output));
      output = Value(std::move(at));
    }
    if (pass_through) output = Merge(input, output);
    return output;
  }
};

void AddReason(const Value& reason, NodeRun& run) {
  if (reason.is_null() || (reason.is_string() && reason.as_string().empty())) return;
  for (const Value& known : run.reasons) {
    if (known == reason) return;
  }
  run.reasons.push_back(reason);
}

}  // namespace

void CollectReasons(const Value& output, NodeRun& run) {
  if (output.is_array()) {
    for (const Value& element : output.as_array()) {
      if (element.is_object()) CollectReasons(element, run);
    }
    return;
  }
  if (!output.is_object()) return;
  if (const Value* reason = output.Find("reason")) AddReason(*reason, run);
  if (const Value* reasons = output.Find("reasons"); reasons && reasons->is_array()) {
    for (const Value& reason : reasons->as_array()) AddReason(reason, run);
  }
}

Result<std::unique_ptr<NodeHandler>> WithTransformAttributes(std::unique_ptr<NodeHandler> inner,
                                                             const NodeSource& source) {
  const json content = source.node.value("content", json::object());
  auto node = std::make_unique<Transformed>();
  node->inner = std::move(inner);
  const std::string input_field = TextMember(content, "inputField");
  if (!input_field.empty()) {
    auto compiled = expr::CompileStandard(input_field);
    if (!compiled.ok())
      return Status::Invalid(source.where + ": inputField: " + compiled.status().ToString());
    node->input_field = std::move(compiled).value();
  }
  node->output_path = TextMember(content, "outputPath");
  const std::string mode = TextMember(content, "executionMode");
  if (mode != "" && mode != "single" && mode != "loop") {
    return Status::Invalid(source.where + ": executionMode '" + mode + "' is not single or loop");
  }
  node->loop = mode == "loop";
  auto pass = content.find("passThrough");
  node->pass_through = pass != content.end() && pass->is_boolean() && pass->get<bool>();
  return std::unique_ptr<NodeHandler>(std::move(node));
}

}  // namespace credo::decision
