// Every JDM graph of the reference engine's own test suite
// (../shared/conformance/zen/graphs, each with its `tests`) must evaluate to
// exactly the reference engine's output. Skips when the data is absent.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "decision/graph.h"

namespace credo::decision {
namespace {

using expr::Value;
using nlohmann::json;

// The clock the reference engine pins for its cases: 2025-08-19T16:55:02.078Z.
constexpr int64_t kReferenceNowMs = 1755622502078;

std::string GraphDir() {
  if (const char* dir = std::getenv("CREDO_CONFORMANCE_DIR")) return std::string(dir) + "/graphs";
  return CREDO_SOURCE_DIR "/../shared/conformance/zen/graphs";
}

// Dates compare as the RFC 3339 text the reference engine serialises.
Value AsJson(const Value& v) { return Value::FromJson(v.ToJson()); }

TEST(GraphConformance, EveryReferenceGraphGivesTheReferenceOutput) {
  if (!std::filesystem::is_directory(GraphDir())) GTEST_SKIP() << "no conformance graphs at " << GraphDir();
  int passed = 0;
  int total = 0;
  int graphs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(GraphDir())) {
    if (entry.path().extension() != ".json") continue;
    ++graphs;
    const std::string name = entry.path().filename().string();
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const json jdm = json::parse(text.str());
    auto graph = DecisionGraph::Compile(jdm, name, GraphResolver{entry.path().parent_path().string(), {}});
    ASSERT_TRUE(graph.ok()) << graph.status().ToString();
    const json& tests = jdm.at("tests");
    for (size_t i = 0; i < tests.size(); ++i) {
      ++total;
      auto result = (*graph)->Evaluate(Value::FromJson(tests[i].at("input")), {kReferenceNowMs});
      if (!result.ok()) {
        ADD_FAILURE() << name << " test " << i << ": " << result.status().ToString();
        continue;
      }
      const Value expected = Value::FromJson(tests[i].at("output"));
      const Value got = AsJson(result->output);
      if (got == expected) {
        ++passed;
      } else {
        ADD_FAILURE() << name << " test " << i << ":\n got  " << got.ToJson().dump() << "\n want "
                      << expected.ToJson().dump();
      }
    }
  }
  EXPECT_EQ(graphs, 58);
  std::printf("graph conformance: %d passed / %d total (%d graphs)\n", passed, total, graphs);
}

}  // namespace
}  // namespace credo::decision
