#include <nlohmann/json.hpp>

#include "decision/node.h"

namespace credo::decision {

Result<std::unique_ptr<NodeHandler>> CompileCustomNode(const NodeSource& source) {
  const std::string kind = TextMember(source.node.value("content", nlohmann::json::object()), "kind");
  return Status::Invalid(source.where + ": unknown custom node kind '" + kind + "' (model, matrix or challenger)");
}

}  // namespace credo::decision
