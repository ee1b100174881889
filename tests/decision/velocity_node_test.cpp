// A `features` node's velocity.* features: counts read from the velocity
// store the graph was compiled with, at the evaluation clock.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "decision/graph.h"
#include "features/velocity_rocksdb.h"
#include "features_graph.h"

namespace credo::decision {
namespace {

using expr::Value;
using nlohmann::json;

constexpr int64_t kHourMs = 3'600'000;
// 2025-06-30T12:00:00Z: day 20,269 since the epoch, plus 12 hours.
constexpr int64_t kNowMs = 20269LL * 24 * kHourMs + 12 * kHourMs;

json Graph(const json& velocity) {
  return FeaturesJdm({{"defs", CREDO_SOURCE_DIR "/examples/features/applicant"}, {"velocity", velocity}});
}

class VelocityNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) / ("credo_velocity_node_" + std::to_string(getpid()));
    auto store = features::RocksDbVelocityStore::Open(dir_.string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    // Device D1 applied 1 h, 2 h and 23 h before now (3 in the last 24 h) and
    // 3 days before (4 in the last 7 days); device D2 once, 1 h before.
    for (int64_t hours_ago : {1, 2, 23, 72}) {
      ASSERT_TRUE(
          store_->Record({{{"device_id", "D1"}}, "application", kNowMs - hours_ago * kHourMs, ""}).ok());
    }
    ASSERT_TRUE(store_->Record({{{"device_id", "D2"}}, "application", kNowMs - kHourMs, ""}).ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::unique_ptr<features::RocksDbVelocityStore> store_;
};

TEST_F(VelocityNodeTest, CountsComeFromTheStoreAtTheEvaluationClock) {
  GraphResolver resolver;
  resolver.velocity = store_.get();
  auto graph = DecisionGraph::Compile(
      Graph({"velocity.device_id.application.24h", "velocity.device_id.application.7d"}), "v.json", resolver);
  ASSERT_TRUE(graph.ok()) << graph.status().ToString();
  auto decide = [&](const json& input) {
    auto evaluation = (*graph)->Evaluate(Value::FromJson(input), {kNowMs});
    EXPECT_TRUE(evaluation.ok()) << evaluation.status().ToString();
    return evaluation.ok() ? evaluation->output.ToJson().at("features") : json();
  };
  const json d1 = decide({{"device_id", "D1"}, {"observation_date", "2025-06-30"}});
  EXPECT_EQ(d1.at("velocity.device_id.application.24h"), 3);
  EXPECT_EQ(d1.at("velocity.device_id.application.7d"), 4);
  EXPECT_EQ(decide({{"device_id", "D2"}}).at("velocity.device_id.application.7d"), 1);
  EXPECT_EQ(decide({{"device_id", "D9"}}).at("velocity.device_id.application.24h"), 0);    // never seen
  EXPECT_TRUE(decide(json::object()).at("velocity.device_id.application.24h").is_null());  // no device
}

TEST_F(VelocityNodeTest, VelocityFeaturesNeedAStoreAndWellFormedNames) {
  auto without_store = DecisionGraph::Compile(Graph({"velocity.device_id.application.24h"}), "v.json", {});
  ASSERT_FALSE(without_store.ok());
  EXPECT_NE(without_store.status().ToString().find("config.velocity needs a velocity store"),
            std::string::npos);
  GraphResolver resolver;
  resolver.velocity = store_.get();
  auto bad_name =
      DecisionGraph::Compile(Graph({"velocity.device_id.application.fortnight"}), "v.json", resolver);
  ASSERT_FALSE(bad_name.ok());
  EXPECT_NE(bad_name.status().ToString().find("fortnight"), std::string::npos)
      << bad_name.status().ToString();
}

}  // namespace
}  // namespace credo::decision
