// Shared by the features-node tests: the smallest graph around one `features`
// node, request -> features -> response.
#pragma once

#include <nlohmann/json.hpp>

namespace credo::decision {

// A JDM graph whose `features` node has `config`.
inline nlohmann::json FeaturesJdm(const nlohmann::json& config) {
  using nlohmann::json;
  return {{"nodes",
           {{{"id", "in"}, {"type", "inputNode"}, {"name", "request"}},
            {{"id", "f"},
             {"type", "customNode"},
             {"name", "features"},
             {"content", {{"kind", "features"}, {"config", config}}}},
            {{"id", "out"}, {"type", "outputNode"}, {"name", "response"}}}},
          {"edges",
           {{{"id", "1"}, {"sourceId", "in"}, {"targetId", "f"}},
            {{"id", "2"}, {"sourceId", "f"}, {"targetId", "out"}}}}};
}

}  // namespace credo::decision
