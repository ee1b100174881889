// The batch build: the same table whatever the thread count, data errors
// counted and reported by line, kept fields.
#include "features/feature_table.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "features_test_support.h"

namespace credo::features {
namespace {

std::string Scratch(const std::string& name) {
  return ::testing::TempDir() + "credo_feature_table_" + std::to_string(getpid()) + "_" + name;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

constexpr const char* kDefs =
    "list: loans\nwindows: [30d, all]\naggregations:\n  count: true\n  mean: [amount]\n";

// 500 documents; every 50th has a date that does not exist.
std::string WriteDocuments() {
  const std::string path = Scratch("docs.jsonl");
  std::ofstream out(path);
  for (int i = 0; i < 500; ++i) {
    out << R"({"id": )" << i << R"(, "observation_date": "2025-01-31", "loans": [)";
    for (int k = 0; k <= i % 7; ++k) {
      out << (k ? ", " : "") << R"({"date": "2025-01-)" << (i % 50 == 49 && k == 0 ? 32 : 10 + k)
          << R"(", "amount": )" << i * 0.5 + k << "}";
    }
    out << "]}\n";
  }
  return path;
}

TEST(FeatureTable, TheTableDoesNotDependOnTheThreadCount) {
  const FeaturePlan plan = testing::PlanFrom({{"loans.yaml", kDefs}});
  const std::string docs = WriteDocuments();
  std::string tables[2];
  for (int t : {1, 3}) {
    FeatureTableOptions options;
    options.documents = docs;
    options.out = Scratch("table" + std::to_string(t) + ".csv");
    options.threads = t;
    auto report = BuildFeatureTable(plan, options);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->documents, 500u);
    EXPECT_EQ(report->skipped, 10u);  // documents 49, 99, ..., 499
    EXPECT_EQ(report->written, 490u);
    ASSERT_EQ(report->first_skipped.size(), 10u);
    EXPECT_EQ(report->first_skipped[0].line, 50u);
    EXPECT_EQ(report->first_skipped[0].reason.ToString(), "loans[0].date: 2025-01-32 is not a calendar date");
    ASSERT_EQ(report->skip_reasons.size(), 1u);
    EXPECT_EQ(report->skip_reasons[0].second, 10u);
    tables[t == 1 ? 0 : 1] = ReadFile(options.out);
  }
  EXPECT_EQ(tables[0], tables[1]);
  // Header, then document 0: one loan of 0.5 * 0 + 0 dated 2025-01-10.
  EXPECT_EQ(tables[0].substr(0, tables[0].find('\n', tables[0].find('\n') + 1)),
            "id,observation_date,loans.all.count.30d,loans.all.count.all,loans.all.mean.amount.30d,"
            "loans.all.mean.amount.all\n0,2025-01-31,1,1,0,0");
}

TEST(FeatureTable, AKeptFieldMayNotShadowAFeature) {
  const FeaturePlan plan = testing::PlanFrom({{"loans.yaml", kDefs}});
  FeatureTableOptions options;
  options.documents = WriteDocuments();
  options.out = Scratch("shadow.csv");
  options.keep_all = false;
  options.keep_fields = {"id", "loans.all.count.all"};
  auto report = BuildFeatureTable(plan, options);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("has the name of a feature"), std::string::npos);
}

TEST(FeatureTable, AMissingDocumentsFileIsNotFound) {
  const FeaturePlan plan = testing::PlanFrom({{"loans.yaml", kDefs}});
  FeatureTableOptions options;
  options.documents = Scratch("nonexistent.jsonl");
  options.out = Scratch("never.csv");
  auto report = BuildFeatureTable(plan, options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), ErrorCode::kNotFound);
  std::ifstream never(options.out);
  EXPECT_FALSE(never.good());
}

}  // namespace
}  // namespace credo::features
