// The strategy registry: directory layout, versions, activation and
// rollback, validation before anything is written, sub-graphs by name, and
// atomic swaps while other threads evaluate.
#include "decision/registry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

namespace credo::decision {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A graph whose output is {"tag": TAG}: which version answered is visible in the output.
std::string TaggedGraph(int tag) {
  return json{
      {"nodes",
       {{{"id", "in"}, {"type", "inputNode"}, {"name", "request"}},
        {{"id", "tag"},
         {"type", "expressionNode"},
         {"name", "tagger"},
         {"content", {{"expressions", {{{"id", "e1"}, {"key", "tag"}, {"value", std::to_string(tag)}}}}}}},
        {{"id", "out"}, {"type", "outputNode"}, {"name", "response"}}}},
      {"edges",
       {{{"id", "a"}, {"sourceId", "in"}, {"targetId", "tag"}},
        {{"id", "b"}, {"sourceId", "tag"}, {"targetId", "out"}}}}}
      .dump();
}

// A graph that hands its input to the strategy `key` (a decisionNode).
std::string ParentGraph(const std::string& key) {
  return json{{"nodes",
               {{{"id", "in"}, {"type", "inputNode"}, {"name", "request"}},
                {{"id", "sub"}, {"type", "decisionNode"}, {"name", "child"}, {"content", {{"key", key}}}},
                {{"id", "out"}, {"type", "outputNode"}, {"name", "response"}}}},
              {"edges",
               {{{"id", "a"}, {"sourceId", "in"}, {"targetId", "sub"}},
                {{"id", "b"}, {"sourceId", "sub"}, {"targetId", "out"}}}}}
      .dump();
}

// TaggedGraph with a cell that does not parse, in node "tagger".
std::string BrokenGraph() {
  std::string text = TaggedGraph(0);
  text.replace(text.find("\"value\":\"0\""), 11, "\"value\":\"1 +* 2\"");
  return text;
}

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("credo_registry_test_" + std::to_string(std::random_device{}()) + "_" +
                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const fs::path& relative, const std::string& text) {
    fs::create_directories((dir_ / relative).parent_path());
    std::ofstream(dir_ / relative) << text;
  }

  std::unique_ptr<StrategyRegistry> OpenOrDie() {
    auto registry = StrategyRegistry::Open(dir_.string());
    EXPECT_TRUE(registry.ok()) << registry.status().ToString();
    return registry.ok() ? std::move(registry).value() : nullptr;
  }

  // Every file under the directory with its content, to show nothing changed.
  std::map<std::string, std::string> Snapshot() const {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(dir_)) {
      if (!entry.is_regular_file()) continue;
      std::stringstream text;
      text << std::ifstream(entry.path()).rdbuf();
      files[fs::relative(entry.path(), dir_).string()] = text.str();
    }
    return files;
  }

  fs::path dir_;
};

// The tag a strategy version outputs.
int64_t TagOf(const StrategyVersion& strategy) {
  auto evaluation = strategy.graph->Evaluate(expr::Value(expr::Object{}), {});
  EXPECT_TRUE(evaluation.ok()) << evaluation.status().ToString();
  return evaluation->output.ToJson().at("tag").get<int64_t>();
}

TEST_F(RegistryTest, OpenReadsSeedsVersionsAndActiveFilesAndSkipsOtherJson) {
  Write("alpha.json", TaggedGraph(10));
  Write("beta/v1.json", TaggedGraph(21));
  Write("beta/v2.json", TaggedGraph(22));
  Write("beta/ACTIVE", "1\n");
  Write("gamma/v1.json", TaggedGraph(31));
  Write("gamma/v3.json", TaggedGraph(33));  // no ACTIVE: the highest version
  Write("models/scorecard.json", R"({"kind": "scorecard"})");
  Write("notes.json", R"({"owner": "risk team"})");
  auto registry = OpenOrDie();
  ASSERT_TRUE(registry);

  const std::vector<StrategySummary> list = registry->List();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].name, "alpha");
  EXPECT_EQ(list[0].active_version, 1);
  EXPECT_EQ(list[0].versions, std::vector<int>({1}));
  EXPECT_EQ(list[1].name, "beta");
  EXPECT_EQ(list[1].active_version, 1);
  EXPECT_EQ(list[1].versions, std::vector<int>({1, 2}));
  EXPECT_EQ(list[2].name, "gamma");
  EXPECT_EQ(list[2].active_version, 3);
  EXPECT_EQ(list[2].versions, std::vector<int>({1, 3}));

  EXPECT_EQ(TagOf(**registry->Active("alpha")), 10);
  EXPECT_EQ(TagOf(**registry->Active("beta")), 21);
  EXPECT_EQ(TagOf(**registry->Get("beta", 2)), 22);
  EXPECT_EQ(TagOf(**registry->Active("gamma")), 33);
  EXPECT_EQ(registry->Active("notes").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(registry->Get("gamma", 2).status().code(), ErrorCode::kNotFound);
}

TEST_F(RegistryTest, UploadAddsAVersionWithoutActivatingItAndActivateSwitchesAndRollsBack) {
  Write("cash.json", TaggedGraph(1));
  auto registry = OpenOrDie();
  ASSERT_TRUE(registry);

  auto version = registry->Upload("cash", TaggedGraph(2));
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, 2);
  EXPECT_TRUE(fs::exists(dir_ / "cash" / "v2.json"));
  EXPECT_EQ((*registry->Active("cash"))->version, 1);
  EXPECT_EQ(TagOf(**registry->Active("cash")), 1);

  ASSERT_TRUE(registry->Activate("cash", 2).ok());
  EXPECT_EQ(TagOf(**registry->Active("cash")), 2);
  EXPECT_EQ(StrategyRegistry::Open(dir_.string()).value()->Active("cash").value()->version, 2);  // persisted

  ASSERT_TRUE(registry->Activate("cash", 1).ok());  // roll back
  EXPECT_EQ(TagOf(**registry->Active("cash")), 1);
  EXPECT_EQ(StrategyRegistry::Open(dir_.string()).value()->Active("cash").value()->version, 1);

  EXPECT_EQ(registry->Activate("cash", 7).code(), ErrorCode::kNotFound);
  EXPECT_EQ(registry->Activate("nobody", 1).code(), ErrorCode::kNotFound);
  EXPECT_EQ((*registry->Active("cash"))->version, 1);
}

TEST_F(RegistryTest, TheFirstUploadOfANewStrategyIsItsActiveVersion) {
  auto registry = OpenOrDie();
  ASSERT_TRUE(registry);
  ASSERT_EQ(registry->Upload("fresh", TaggedGraph(5)).value(), 1);
  EXPECT_EQ(TagOf(**registry->Active("fresh")), 5);
  EXPECT_EQ(StrategyRegistry::Open(dir_.string()).value()->Active("fresh").value()->version, 1);
}

TEST_F(RegistryTest, AnInvalidUploadWritesNothingAndKeepsTheActiveVersion) {
  Write("cash.json", TaggedGraph(1));
  auto registry = OpenOrDie();
  ASSERT_TRUE(registry);
  const auto before = Snapshot();

  auto bad_cell = registry->Upload("cash", BrokenGraph());
  ASSERT_FALSE(bad_cell.ok());
  EXPECT_EQ(bad_cell.status().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(bad_cell.status().message().find("tagger"), std::string::npos) << bad_cell.status().ToString();
  EXPECT_NE(bad_cell.status().message().find("v2.json"), std::string::npos) << bad_cell.status().ToString();

  auto not_json = registry->Upload("cash", "{\"nodes\": [");
  ASSERT_FALSE(not_json.ok());
  EXPECT_NE(not_json.status().message().find("not valid JSON"), std::string::npos);
  EXPECT_FALSE(registry->Upload("cash", R"({"kind": "scorecard"})").ok());
  EXPECT_FALSE(registry->Upload("Cash", TaggedGraph(2)).ok());
  EXPECT_FALSE(registry->Upload("../cash", TaggedGraph(2)).ok());
  EXPECT_FALSE(registry->Upload(std::string(65, 'a'), TaggedGraph(2)).ok());

  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(registry->List()[0].versions, std::vector<int>({1}));
  EXPECT_EQ(TagOf(**registry->Active("cash")), 1);
  // The next good upload still gets number 2: failed ones used none.
  EXPECT_EQ(registry->Upload("cash", TaggedGraph(2)).value(), 2);
}

TEST_F(RegistryTest, ABrokenFileMakesOpenFailNamingIt) {
  Write("good.json", TaggedGraph(1));
  Write("bad/v1.json", BrokenGraph());
  auto registry = StrategyRegistry::Open(dir_.string());
  ASSERT_FALSE(registry.ok());
  EXPECT_NE(registry.status().message().find("v1.json"), std::string::npos) << registry.status().ToString();
  EXPECT_NE(registry.status().message().find("tagger"), std::string::npos) << registry.status().ToString();

  fs::remove_all(dir_ / "bad");
  Write("torn.json", "{\"nodes\": [");
  registry = StrategyRegistry::Open(dir_.string());
  ASSERT_FALSE(registry.ok());
  EXPECT_NE(registry.status().message().find("torn.json"), std::string::npos) << registry.status().ToString();

  fs::remove(dir_ / "torn.json");
  Write("good/ACTIVE", "4\n");
  registry = StrategyRegistry::Open(dir_.string());
  ASSERT_FALSE(registry.ok());
  EXPECT_NE(registry.status().message().find("ACTIVE"), std::string::npos) << registry.status().ToString();

  EXPECT_FALSE(StrategyRegistry::Open((dir_ / "absent").string()).ok());
}

TEST_F(RegistryTest, SubGraphKeysNameStrategiesAndCyclesAreRefused) {
  Write("child/v1.json", TaggedGraph(41));
  Write("child/v2.json", TaggedGraph(42));
  Write("child/ACTIVE", "1");
  Write("parent.json", ParentGraph("child.json"));
  auto registry = OpenOrDie();
  ASSERT_TRUE(registry);
  EXPECT_EQ(TagOf(**registry->Active("parent")), 41);  // child's active version, not its highest

  EXPECT_FALSE(registry->Upload("parent", ParentGraph("parent")).ok());  // itself
  EXPECT_FALSE(registry->Upload("parent", ParentGraph("nobody")).ok());

  Write("child/v3.json", ParentGraph("parent"));
  Write("child/ACTIVE", "3");
  auto cyclic = StrategyRegistry::Open(dir_.string());
  ASSERT_FALSE(cyclic.ok());
  EXPECT_NE(cyclic.status().message().find("cycle"), std::string::npos) << cyclic.status().ToString();
}

TEST_F(RegistryTest, AnEvaluationInFlightKeepsItsVersionAcrossAnActivation) {
  Write("cash.json", TaggedGraph(1));
  auto registry = OpenOrDie();
  ASSERT_TRUE(registry);
  ASSERT_EQ(registry->Upload("cash", TaggedGraph(2)).value(), 2);

  std::shared_ptr<const StrategyVersion> in_flight = *registry->Active("cash");
  ASSERT_TRUE(registry->Activate("cash", 2).ok());
  EXPECT_EQ(in_flight->version, 1);
  EXPECT_EQ(TagOf(*in_flight), 1);
  EXPECT_EQ(TagOf(**registry->Active("cash")), 2);

  // Readers evaluate while the active version flips; each evaluation must
  // answer with exactly the version it picked up (tag == version).
  std::atomic<bool> stop{false};
  std::atomic<int> mismatches{0};
  std::atomic<int> evaluations{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 2; ++i) {
    readers.emplace_back([&] {
      while (!stop) {
        auto strategy = *registry->Active("cash");
        if (TagOf(*strategy) != strategy->version) ++mismatches;
        ++evaluations;
      }
    });
  }
  for (int flip = 0; flip < 40; ++flip) ASSERT_TRUE(registry->Activate("cash", 1 + flip % 2).ok());
  stop = true;
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(evaluations, 0);
  EXPECT_EQ((*registry->Active("cash"))->version, 2);  // the last flip (flip 39) chose 1 + 39 % 2 = 2
}

}  // namespace
}  // namespace credo::decision
