// The `features` node computes online exactly what `credo features build`
// writes to a training table: random documents go through both paths and
// every feature must agree to the bit (missing with missing).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "decision/graph.h"
#include "features/feature_table.h"
#include "features_graph.h"

namespace credo::decision {
namespace {

using expr::Value;
using nlohmann::json;

const std::string kDefs = CREDO_SOURCE_DIR "/examples/features/applicant";

std::string Scratch(const std::string& name) {
  return ::testing::TempDir() + "credo_features_node_" + std::to_string(getpid()) + "_" + name;
}

std::string Date(std::mt19937_64& rng, int obs_day_offset_max) {
  // Days around 2025-06-30 (day 20,269): mostly before, some after (late-arriving records).
  const int32_t day =
      20269 - static_cast<int32_t>(rng() % 1500) + static_cast<int32_t>(rng() % obs_day_offset_max);
  return CivilDate::FromDaysSinceEpoch(day).ToString();
}

// A random document in the shape of `credo gen --documents`, with missing
// values, fractional amounts and records dated after the observation date.
json RandomDocument(std::mt19937_64& rng, int id) {
  static const char* const kTypes[] = {"Credit card", "Consumer loan", "Car loan", "Mortgage", "Microloan"};
  static const char* const kDecisions[] = {"Approved", "Refused", "Canceled"};
  static const char* const kLenders[] = {"bank", "microlender", "online_platform", "consumer_finance"};
  json doc = {
      {"applicant_id", "A" + std::to_string(id)}, {"observation_date", "2025-06-30"}, {"bad", rng() % 2}};
  if (rng() % 4) doc["monthly_income"] = 2000 + static_cast<int>(rng() % 20000);
  json accounts = json::array();
  for (int a = static_cast<int>(rng() % 8); a > 0; --a) {
    json account = {{"date", Date(rng, 40)},
                    {"account_type", kTypes[rng() % 5]},
                    {"status", rng() % 2 ? "Active" : "Closed"},
                    {"credit_limit_fen", static_cast<int64_t>(rng() % 5000000)},
                    {"overdue_fen", rng() % 5 ? 0 : static_cast<int64_t>(rng() % 100000)},
                    {"max_dpd", static_cast<int>(rng() % 90)}};
    if (rng() % 6) account["balance_fen"] = static_cast<double>(rng() % 10000000) / 7;  // fractional too
    json history = json::array();
    for (int m = static_cast<int>(rng() % 14); m > 0; --m) {
      history.push_back({{"date", Date(rng, 20)},
                         {"dpd", static_cast<int>(rng() % 40)},
                         {"balance_fen", static_cast<int64_t>(rng() % 3000000)}});
    }
    account["status_history"] = history;
    accounts.push_back(account);
  }
  doc["bureau_accounts"] = accounts;
  json inquiries = json::array(), previous = json::array(), installments = json::array();
  for (int i = static_cast<int>(rng() % 10); i > 0; --i) {
    inquiries.push_back({{"date", Date(rng, 10)},
                         {"lender_id", "L" + std::to_string(rng() % 9)},
                         {"lender_type", kLenders[rng() % 4]}});
  }
  for (int i = static_cast<int>(rng() % 5); i > 0; --i) {
    previous.push_back({{"date", Date(rng, 10)},
                        {"product", rng() % 2 ? "cash_installment" : "goods_installment"},
                        {"amount_fen", static_cast<int64_t>(rng() % 5000000)},
                        {"term_months", 3 + rng() % 22},
                        {"decision", kDecisions[rng() % 3]}});
  }
  for (int i = static_cast<int>(rng() % 12); i > 0; --i) {
    const int64_t due = static_cast<int64_t>(rng() % 200000);
    installments.push_back({{"date", Date(rng, 10)},
                            {"amount_due_fen", due},
                            {"amount_paid_fen", rng() % 4 ? due : due / 2},
                            {"days_late", rng() % 3 ? 0 : rng() % 60}});
  }
  doc["bureau_inquiries"] = inquiries;
  doc["previous_applications"] = previous;
  doc["installments"] = installments;
  doc["devices"] = json::array({{{"date", Date(rng, 5)}, {"device_id", "D1"}, {"os", "android"}}});
  return doc;
}

std::shared_ptr<const DecisionGraph> FeaturesGraph(const json& config) {
  const json graph = FeaturesJdm(config);
  auto compiled = DecisionGraph::Compile(graph, "features_test.json", {});
  EXPECT_TRUE(compiled.ok()) << compiled.status().ToString();
  return compiled.ok() ? *compiled : nullptr;
}

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

TEST(FeaturesNode, OnlineValuesEqualTheBatchTableBitForBit) {
  std::mt19937_64 rng(4);
  std::vector<json> docs;
  const std::string docs_path = Scratch("docs.jsonl"), table_path = Scratch("table.csv");
  {
    std::ofstream out(docs_path);
    for (int i = 0; i < 150; ++i) {
      docs.push_back(RandomDocument(rng, i));
      out << docs.back().dump() << '\n';
    }
  }
  auto plan = features::FeaturePlan::Load(kDefs);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  features::FeatureTableOptions options;
  options.documents = docs_path;
  options.out = table_path;
  options.keep_all = false;
  options.keep_fields = {"applicant_id"};
  options.threads = 2;
  auto report = features::BuildFeatureTable(*plan, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->written, docs.size());

  auto graph = FeaturesGraph({{"defs", kDefs}, {"from", "applicant"}, {"outputPath", "x.features"}});
  ASSERT_TRUE(graph);
  std::ifstream table(table_path);
  std::string line;
  std::getline(table, line);
  const std::vector<std::string> header = SplitCsvLine(line);
  ASSERT_EQ(header.size(), plan->size() + 1);
  size_t compared = 0, present = 0;
  for (const json& doc : docs) {
    ASSERT_TRUE(std::getline(table, line));
    const std::vector<std::string> row = SplitCsvLine(line);
    ASSERT_EQ(row.size(), header.size());
    ASSERT_EQ(row[0], doc["applicant_id"]);
    // The request carries the document as it arrives over HTTP: JSON text parsed into a Value.
    auto evaluation = graph->Evaluate(Value::FromJson(json::parse(json{{"applicant", doc}}.dump())), {});
    ASSERT_TRUE(evaluation.ok()) << evaluation.status().ToString();
    const Value* online = evaluation->output.Find("x")->Find("features");
    ASSERT_NE(online, nullptr);
    ASSERT_EQ(online->as_object().size(), plan->size());
    for (size_t i = 1; i < header.size(); ++i) {
      const Value* v = online->Find(header[i]);
      ASSERT_NE(v, nullptr) << header[i];
      ++compared;
      if (row[i].empty()) {
        EXPECT_TRUE(v->is_null()) << header[i] << " of " << row[0];
      } else {
        ++present;
        ASSERT_TRUE(v->is_number()) << header[i] << " of " << row[0];
        EXPECT_EQ(std::strtod(row[i].c_str(), nullptr), v->as_number().ToDouble())
            << header[i] << " of " << row[0];
      }
    }
  }
  EXPECT_EQ(compared, docs.size() * plan->size());
  EXPECT_GT(present, compared / 3);  // the documents exercise most features
}

TEST(FeaturesNode, WithoutAnObservationDateTheEvaluationDayCounts) {
  auto graph = FeaturesGraph({{"defs", kDefs}});
  ASSERT_TRUE(graph);
  json doc = {{"devices",
               {{{"date", "2025-06-01"}, {"device_id", "D1"}, {"os", "ios"}},
                {{"date", "2025-06-29"}, {"device_id", "D2"}, {"os", "ios"}}}}};
  EvaluateOptions options;
  options.now_ms = int64_t{20269} * 86'400'000 + 3'600'000;  // 2025-06-30 01:00 UTC
  auto evaluation = graph->Evaluate(Value::FromJson(doc), options);
  ASSERT_TRUE(evaluation.ok()) << evaluation.status().ToString();
  const Value& f = *evaluation->output.Find("features");
  EXPECT_EQ(f.Find("devices.all.count.30d")->as_number().ToDouble(), 2);  // 29 and 1 days before
  EXPECT_EQ(f.Find("devices.all.days_since_first.all")->as_number().ToDouble(), 29);
  // The document's own date wins over the clock: on 2025-06-15 only the first device was seen.
  doc["observation_date"] = "2025-06-15";
  evaluation = graph->Evaluate(Value::FromJson(doc), options);
  ASSERT_TRUE(evaluation.ok());
  EXPECT_EQ(evaluation->output.Find("features")->Find("devices.all.count.all")->as_number().ToDouble(), 1);
}

TEST(FeaturesNode, ErrorsNameTheNode) {
  const json graph = {{"nodes",
                       {{{"id", "in"}, {"type", "inputNode"}, {"name", "request"}},
                        {{"id", "f"},
                         {"type", "customNode"},
                         {"name", "bureau features"},
                         {"content", {{"kind", "features"}, {"config", {{"defs", "/nonexistent/defs"}}}}}}}},
                      {"edges", {{{"id", "1"}, {"sourceId", "in"}, {"targetId", "f"}}}}};
  auto compiled = DecisionGraph::Compile(graph, "g.json", {});
  ASSERT_FALSE(compiled.ok());
  EXPECT_NE(compiled.status().ToString().find("bureau features"), std::string::npos)
      << compiled.status().ToString();
  EXPECT_NE(compiled.status().ToString().find("/nonexistent/defs"), std::string::npos);

  auto ok = FeaturesGraph({{"defs", kDefs}});
  ASSERT_TRUE(ok);
  auto bad =
      ok->Evaluate(Value::FromJson(json{{"observation_date", "2025-01-01"}, {"bureau_accounts", 3}}), {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().ToString().find("bureau_accounts: expected an array of records"), std::string::npos)
      << bad.status().ToString();
}

}  // namespace
}  // namespace credo::decision
