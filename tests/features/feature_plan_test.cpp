// The feature plan on small hand-made documents: every aggregation, windows,
// filters, nested lists, derived features and missing values against values
// worked out by hand (in the comments).
#include "features/feature_plan.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "features_test_support.h"

namespace credo::features {
namespace {

using testing::Features;
using testing::PlanFrom;
using testing::SameValue;

// Observation date 2025-03-31. Accounts, with their age in days:
//   A0 2025-03-20 (11)  Active  Credit card    balance 1000  limit 5000
//   A1 2025-01-15 (75)  Closed  Consumer loan  balance  300  limit 2000
//   A2 2024-06-30 (274) Active  Credit card    balance null  limit 3000
//   A3 2025-04-05 (after the observation date: never counts)
//   A4 2023-03-31 (731) Closed  Car loan       balance  700  limit 8000
// Status history (nested), with day offsets from the observation date:
//   A0: 2025-02-28 (-31) dpd 0, 2025-03-31 (0) dpd 5
//   A1: 2025-01-31 (-59) dpd 40
//   A3: 2025-03-01 dpd 90  (its account is dated after the observation date: excluded)
//   A4: 2025-04-30 dpd 10  (after the observation date: excluded)
constexpr const char* kDocument = R"({
  "applicant_id": "X1", "observation_date": "2025-03-31", "monthly_income": 4000,
  "bureau_accounts": [
    {"date": "2025-03-20", "status": "Active", "account_type": "Credit card", "balance_fen": 1000,
     "credit_limit_fen": 5000,
     "status_history": [{"date": "2025-02-28", "dpd": 0}, {"date": "2025-03-31", "dpd": 5}]},
    {"date": "2025-01-15", "status": "Closed", "account_type": "Consumer loan", "balance_fen": 300,
     "credit_limit_fen": 2000, "status_history": [{"date": "2025-01-31", "dpd": 40}]},
    {"date": "2024-06-30", "status": "Active", "account_type": "Credit card", "balance_fen": null,
     "credit_limit_fen": 3000},
    {"date": "2025-04-05", "status": "Active", "account_type": "Mortgage", "balance_fen": 99999,
     "credit_limit_fen": 99999, "status_history": [{"date": "2025-03-01", "dpd": 90}]},
    {"date": "2023-03-31", "status": "Closed", "account_type": "Car loan", "balance_fen": 700,
     "credit_limit_fen": 8000, "status_history": [{"date": "2025-04-30", "dpd": 10}]}
  ]
})";

constexpr const char* kAccounts = R"(
list: bureau_accounts
filters:
  active: "status == 'Active'"
  closed: "status == 'Closed'"
windows: [30d, 90d, 365d, all]
aggregations:
  count: true
  sum: [balance_fen, credit_limit_fen]
  mean: [balance_fen]
  min: [balance_fen]
  max: [balance_fen]
  std: [balance_fen]
  distinct: [account_type]
  last: [balance_fen]
  slope: [balance_fen]
  days_since_first: true
  days_since_last: true
  share: {big: "balance_fen > 500"}
  ratio: {utilisation: [sum.balance_fen, sum.credit_limit_fen]}
)";

constexpr const char* kHistory = R"(
list: bureau_accounts.status_history
filters:
  late: "dpd > 0"
windows: [30d, all]
aggregations:
  count: true
  max: [dpd]
  share: {late30: "dpd >= 30"}
derived:
  balance_to_income: "bureau_accounts.all.sum.balance_fen.all / monthly_income"
  late_or_zero: "bureau_accounts.status_history.late.max.dpd.30d ?? 0"
  missing_plus_one: "bureau_accounts.closed.mean.balance_fen.30d + 1"
)";

class FeaturePlanTest : public ::testing::Test {
 protected:
  FeaturePlan plan_ = PlanFrom({{"accounts.yaml", kAccounts}, {"history.yaml", kHistory}});
  std::map<std::string, double> f_ = Features(plan_, kDocument);
  double F(const std::string& name) {
    EXPECT_TRUE(f_.count(name)) << name;
    return f_[name];
  }
};

TEST_F(FeaturePlanTest, NamesAreListFilterAggregationFieldWindowInDeclarationOrder) {
  // 3 filters x (count, 2 sums, mean, min, max, std, distinct, last, slope, 2 days_since, share,
  // ratio = 14 aggregates) x 4 windows; 2 filters x 3 aggregates x 2 windows; 3 derived.
  ASSERT_EQ(plan_.size(), 3u * 14 * 4 + 2 * 3 * 2 + 3);
  EXPECT_EQ(plan_.features()[0].name, "bureau_accounts.all.count.30d");
  EXPECT_EQ(plan_.features()[3].name, "bureau_accounts.all.count.all");
  EXPECT_EQ(plan_.features()[4].name, "bureau_accounts.all.sum.balance_fen.30d");
  EXPECT_EQ(plan_.features()[14 * 4].name, "bureau_accounts.active.count.30d");
  EXPECT_EQ(plan_.features()[3 * 14 * 4].name, "bureau_accounts.status_history.all.count.30d");
  EXPECT_EQ(plan_.features().back().name, "derived.missing_plus_one");
  EXPECT_EQ(plan_.features()[4].description,
            "sum of balance_fen over bureau_accounts records, dated in the last 30 days");
  EXPECT_EQ(plan_.features()[14 * 4 + 3].description,
            "number of bureau_accounts records where status == 'Active'");
}

TEST_F(FeaturePlanTest, CountsPerWindowLeaveOutTheFutureRecord) {
  // 30d: A0; 90d: A0 A1; 365d: A0 A1 A2; all: A0 A1 A2 A4 (A3 is after the observation date).
  EXPECT_EQ(F("bureau_accounts.all.count.30d"), 1);
  EXPECT_EQ(F("bureau_accounts.all.count.90d"), 2);
  EXPECT_EQ(F("bureau_accounts.all.count.365d"), 3);
  EXPECT_EQ(F("bureau_accounts.all.count.all"), 4);
}

TEST_F(FeaturePlanTest, SumMeanMinMaxSkipMissingValues) {
  EXPECT_EQ(F("bureau_accounts.all.sum.balance_fen.30d"), 1000);
  EXPECT_EQ(F("bureau_accounts.all.sum.balance_fen.365d"), 1300);  // A2's balance is null
  EXPECT_EQ(F("bureau_accounts.all.sum.balance_fen.all"), 2000);
  EXPECT_EQ(F("bureau_accounts.all.sum.credit_limit_fen.all"), 18000);
  EXPECT_EQ(F("bureau_accounts.all.mean.balance_fen.365d"), 650);
  EXPECT_DOUBLE_EQ(F("bureau_accounts.all.mean.balance_fen.all"), 2000.0 / 3);
  EXPECT_EQ(F("bureau_accounts.all.min.balance_fen.all"), 300);
  EXPECT_EQ(F("bureau_accounts.all.max.balance_fen.all"), 1000);
}

TEST_F(FeaturePlanTest, PopulationStandardDeviation) {
  EXPECT_EQ(F("bureau_accounts.all.std.balance_fen.30d"), 0);    // one value
  EXPECT_EQ(F("bureau_accounts.all.std.balance_fen.90d"), 350);  // 1000, 300: mean 650, +-350
  // 1000, 300, 700: variance (1000^2 + 300^2 + 700^2)/3 - (2000/3)^2 = 740000/9.
  EXPECT_NEAR(F("bureau_accounts.all.std.balance_fen.all"), std::sqrt(740000.0 / 9), 1e-9);
}

TEST_F(FeaturePlanTest, SlopeIsPerDayAgainstTheRecordsDayOffset) {
  // (x, y) = (-11, 1000), (-75, 300), (-731, 700): n = 3, Sx = -817, Sy = 2000,
  // Sxx = 540107, Sxy = -545200; slope = (3 Sxy - Sx Sy) / (3 Sxx - Sx^2) = -1600 / 952832
  // (Python's statistics.linear_regression gives -0.00167920472864055).
  EXPECT_NEAR(F("bureau_accounts.all.slope.balance_fen.all"), -1600.0 / 952832, 1e-15);
  EXPECT_TRUE(std::isnan(F("bureau_accounts.all.slope.balance_fen.30d")));  // one point
  // 90d: (-11, 1000), (-75, 300): rise 700 over 64 days.
  EXPECT_NEAR(F("bureau_accounts.all.slope.balance_fen.90d"), 700.0 / 64, 1e-12);
}

TEST_F(FeaturePlanTest, DistinctLastAndDaysSince) {
  EXPECT_EQ(F("bureau_accounts.all.distinct.account_type.30d"), 1);
  EXPECT_EQ(F("bureau_accounts.all.distinct.account_type.365d"), 2);  // card, consumer, card
  EXPECT_EQ(F("bureau_accounts.all.distinct.account_type.all"), 3);
  EXPECT_EQ(F("bureau_accounts.all.last.balance_fen.all"), 1000);    // A0 is the latest
  EXPECT_EQ(F("bureau_accounts.closed.last.balance_fen.all"), 300);  // A1 (2025-01-15) after A4 (2023)
  EXPECT_TRUE(std::isnan(F("bureau_accounts.closed.last.balance_fen.30d")));
  EXPECT_EQ(F("bureau_accounts.all.days_since_first.all"), 731);
  EXPECT_EQ(F("bureau_accounts.all.days_since_first.365d"), 274);
  EXPECT_EQ(F("bureau_accounts.all.days_since_last.all"), 11);
  EXPECT_EQ(F("bureau_accounts.closed.days_since_last.all"), 75);
}

TEST_F(FeaturePlanTest, ShareAndRatio) {
  // balance > 500: A0 yes, A1 no, A2 null (an error in ZEN: no match), A4 yes.
  EXPECT_EQ(F("bureau_accounts.all.share.big.all"), 0.5);
  EXPECT_EQ(F("bureau_accounts.all.share.big.30d"), 1);
  EXPECT_DOUBLE_EQ(F("bureau_accounts.all.ratio.utilisation.all"), 2000.0 / 18000);
  EXPECT_DOUBLE_EQ(F("bureau_accounts.all.ratio.utilisation.90d"), 1300.0 / 7000);
}

TEST_F(FeaturePlanTest, FiltersSelectRecords) {
  EXPECT_EQ(F("bureau_accounts.active.count.all"), 2);  // A0, A2 (A3 is in the future)
  EXPECT_EQ(F("bureau_accounts.active.sum.balance_fen.all"), 1000);
  EXPECT_EQ(F("bureau_accounts.closed.count.90d"), 1);
  EXPECT_EQ(F("bureau_accounts.closed.sum.credit_limit_fen.all"), 10000);
}

TEST_F(FeaturePlanTest, EmptyCellsCountZeroAndAreOtherwiseMissing) {
  EXPECT_EQ(F("bureau_accounts.closed.count.30d"), 0);
  EXPECT_EQ(F("bureau_accounts.closed.sum.balance_fen.30d"), 0);
  for (const char* name :
       {"bureau_accounts.closed.mean.balance_fen.30d", "bureau_accounts.closed.min.balance_fen.30d",
        "bureau_accounts.closed.max.balance_fen.30d", "bureau_accounts.closed.std.balance_fen.30d",
        "bureau_accounts.closed.days_since_first.30d", "bureau_accounts.closed.days_since_last.30d",
        "bureau_accounts.closed.share.big.30d", "bureau_accounts.closed.ratio.utilisation.30d"}) {
    EXPECT_TRUE(std::isnan(F(name))) << name;
  }
  EXPECT_EQ(F("bureau_accounts.closed.distinct.account_type.30d"), 0);
}

TEST_F(FeaturePlanTest, NestedListsCountOnlyRecordsOfCountingParents) {
  // (A0, -31, 0), (A0, 0, 5), (A1, -59, 40); A3's and A4's entries never count.
  EXPECT_EQ(F("bureau_accounts.status_history.all.count.all"), 3);
  EXPECT_EQ(F("bureau_accounts.status_history.all.max.dpd.all"), 40);
  EXPECT_EQ(F("bureau_accounts.status_history.all.count.30d"), 1);
  EXPECT_EQ(F("bureau_accounts.status_history.all.max.dpd.30d"), 5);
  EXPECT_EQ(F("bureau_accounts.status_history.late.count.all"), 2);
  EXPECT_DOUBLE_EQ(F("bureau_accounts.status_history.all.share.late30.all"), 1.0 / 3);
}

TEST_F(FeaturePlanTest, DerivedFeaturesUseFeaturesAndTopLevelFields) {
  EXPECT_EQ(F("derived.balance_to_income"), 0.5);  // 2000 / 4000
  EXPECT_EQ(F("derived.late_or_zero"), 5);
  EXPECT_TRUE(std::isnan(F("derived.missing_plus_one")));  // null + 1 fails: missing
}

TEST(FeaturePlan, MonthWindowsEndOnTheSameDayOfAnEarlierMonth) {
  // 1m before 2025-03-31 is 2025-02-28 (clamped): a record of 2025-02-28 is out, 2025-03-01 in.
  const FeaturePlan plan =
      PlanFrom({{"m.yaml", "list: loans\nwindows: [1m, 2m]\naggregations: {count: true}\n"}});
  const auto f = Features(plan, R"({"observation_date": "2025-03-31", "loans": [
      {"date": "2025-02-28"}, {"date": "2025-03-01"}, {"date": "2025-01-31"}, {"date": "2025-01-30"}]})");
  EXPECT_EQ(f.at("loans.all.count.1m"), 1);
  EXPECT_EQ(f.at("loans.all.count.2m"), 2);  // 2m before is 2025-01-31: out; 2025-02-28 in
}

TEST(FeaturePlan, ARecordAfterTheObservationDateChangesNothing) {
  const FeaturePlan plan = PlanFrom({{"accounts.yaml", kAccounts}, {"history.yaml", kHistory}});
  auto doc = nlohmann::json::parse(kDocument);
  const auto before = Features(plan, doc.dump());
  // A late-arriving account (with history) and a late history entry of a counting account.
  doc["bureau_accounts"].push_back({{"date", "2025-04-01"},
                                    {"status", "Active"},
                                    {"account_type", "Microloan"},
                                    {"balance_fen", 123456},
                                    {"credit_limit_fen", 7},
                                    {"status_history", {{{"date", "2025-04-02"}, {"dpd", 200}}}}});
  doc["bureau_accounts"][0]["status_history"].push_back({{"date", "2025-04-01"}, {"dpd", 300}});
  const auto after = Features(plan, doc.dump());
  for (const auto& [name, value] : before) EXPECT_TRUE(SameValue(value, after.at(name))) << name;
}

TEST(FeaturePlan, JsonTextAndValueGiveIdenticalFeatures) {
  const FeaturePlan plan = PlanFrom({{"accounts.yaml", kAccounts}, {"history.yaml", kHistory}});
  FeatureWorkspace workspace;
  std::vector<double> from_text(plan.size()), from_value(plan.size());
  ASSERT_TRUE(plan.ComputeJson(kDocument, std::nullopt, workspace, from_text).ok());
  const expr::Value value = expr::Value::FromJson(nlohmann::json::parse(kDocument));
  ASSERT_TRUE(plan.ComputeValue(value, std::nullopt, workspace, from_value).ok());
  for (size_t i = 0; i < plan.size(); ++i) {
    EXPECT_TRUE(SameValue(from_text[i], from_value[i])) << plan.features()[i].name;
  }
}

TEST(FeaturePlan, TheObservationDateFallsBackToTheGivenDay) {
  const FeaturePlan plan =
      PlanFrom({{"a.yaml", "list: loans\nwindows: [30d]\naggregations: {count: true}\n"}});
  FeatureWorkspace workspace;
  std::vector<double> out(plan.size());
  const std::string doc = R"({"loans": [{"date": "2025-01-10"}, {"date": "2024-12-01"}]})";
  EXPECT_FALSE(plan.ComputeJson(doc, std::nullopt, workspace, out).ok());
  ASSERT_TRUE(plan.ComputeJson(doc, *CivilDate::FromYmd(2025, 1, 20), workspace, out).ok());
  EXPECT_EQ(out[0], 1);
}

}  // namespace
}  // namespace credo::features
