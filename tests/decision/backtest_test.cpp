// Backtests of small graphs on hand-made data, where every count can be
// checked by hand (the derivations are in the comments).
#include "decision/backtest.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace credo::decision {
namespace {

using nlohmann::json;

// A grade table on age and income (hit policy first):
//   rule 0 "too young":  age < 18                 -> decline, AGE_UNDER_18, limit 0
//   rule 1 "low income": income < `low_income`    -> decline, LOW_INCOME,   limit 0
//   rule 2 "mid income": income < `refer_income`  -> refer,   MANUAL_REVIEW, limit 5000
//   rule 3 "approve":    anything                 -> approve, no reason,    limit income * 2
// `prefix` is where age and income sit in the input ("" or "applicant.").
json GradeGraph(int low_income, int refer_income, const std::string& prefix = "") {
  auto rule = [](const std::string& id, const std::string& description, const std::string& age,
                 const std::string& income, const std::string& decision, const std::string& reason,
                 const std::string& limit) {
    return json{{"_id", id},        {"_description", description}, {"age", age},
                {"income", income}, {"decision", decision},        {"reason", reason},
                {"limit", limit}};
  };
  json table = {
      {"hitPolicy", "first"},
      {"inputs",
       {{{"id", "age"}, {"name", "Age"}, {"field", prefix + "age"}},
        {{"id", "income"}, {"name", "Income"}, {"field", prefix + "income"}}}},
      {"outputs",
       {{{"id", "decision"}, {"field", "decision"}},
        {{"id", "reason"}, {"field", "reason"}},
        {{"id", "limit"}, {"field", "limit"}}}},
      {"rules",
       {rule("r0", "too young", "< 18", "", "'decline'", "'AGE_UNDER_18'", "0"),
        rule("r1", "low income", "", "< " + std::to_string(low_income), "'decline'", "'LOW_INCOME'", "0"),
        rule("r2", "mid income", "", "< " + std::to_string(refer_income), "'refer'", "'MANUAL_REVIEW'",
             "5000"),
        rule("r3", "approve", "", "", "'approve'", "", prefix + "income * 2")}}};
  return {{"nodes",
           {{{"id", "in"}, {"name", "request"}, {"type", "inputNode"}},
            {{"id", "grade"}, {"name", "grade"}, {"type", "decisionTableNode"}, {"content", table}},
            {{"id", "out"}, {"name", "response"}, {"type", "outputNode"}}}},
          {"edges",
           {{{"id", "e1"}, {"sourceId", "in"}, {"targetId", "grade"}},
            {{"id", "e2"}, {"sourceId", "grade"}, {"targetId", "out"}}}}};
}

std::shared_ptr<const DecisionGraph> Compile(const json& jdm, const std::string& name) {
  auto graph = DecisionGraph::Compile(jdm, name, GraphResolver{});
  EXPECT_TRUE(graph.ok()) << graph.status().ToString();
  return graph.ok() ? *graph : nullptr;
}

// Ten applications. Version A (low 3000, refer 8000) and B (low 5000, refer 6000) decide:
//   row age income bad   A (rule)         B
//    1   17  10000  1    decline (r0)     decline
//    2   25   2000  1    decline (r1)     decline
//    3   30   4000  0    refer   (r2)     decline  (4000 < 5000)
//    4   40   6000  1    refer   (r2)     approve  (6000 is not < 6000)
//    5   35   7000  0    refer   (r2)     approve
//    6   50   9000  0    approve (r3)     approve
//    7   22  12000  0    approve (r3)     approve
//    8   45  15000  1    approve (r3)     approve
//    9   60  20000  -    approve (r3)     approve
//   10   16   1000  0    decline (r0)     decline  (r0 comes first)
constexpr const char* kApplications =
    "age,income,bad\n17,10000,1\n25,2000,1\n30,4000,0\n40,6000,1\n35,7000,0\n"
    "50,9000,0\n22,12000,0\n45,15000,1\n60,20000,\n16,1000,0\n";

size_t CountOf(const std::vector<ValueCount>& counts, const std::string& value) {
  for (const auto& c : counts) {
    if (c.value == value) return c.count;
  }
  return 0;
}

TEST(Backtest, RatesRuleHitsSwapSetAndBadRateMatchTheHandCount) {
  const json jdm = GradeGraph(3000, 8000);
  auto a = Compile(jdm, "grade_v1.json");
  auto b = Compile(GradeGraph(5000, 6000), "grade_v2.json");
  auto data = BacktestData::ParseCsv(kApplications, "applications.csv", "bad");
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  BacktestOptions options;
  options.strategy_jdm = &jdm;
  const BacktestReport report = Backtest(*a, b.get(), *data, options);

  EXPECT_EQ(report.rows, 10u);
  EXPECT_EQ(report.evaluated, 10u);
  EXPECT_EQ(report.error_count, 0u);
  // approve rows 6-9 = 4; decline rows 1, 2, 10 = 3; refer rows 3-5 = 3 (ties by name).
  ASSERT_EQ(report.decisions.size(), 3u);
  EXPECT_EQ(report.decisions[0].value, "approve");
  EXPECT_EQ(report.decisions[0].count, 4u);
  EXPECT_EQ(report.decisions[1].value, "decline");
  EXPECT_EQ(report.decisions[1].count, 3u);
  EXPECT_EQ(report.decisions[2].value, "refer");
  EXPECT_EQ(report.decisions[2].count, 3u);

  // r0: rows 1, 10; r1: row 2; r2: rows 3-5; r3: rows 6-9.
  ASSERT_EQ(report.nodes.size(), 1u);
  const NodeHits& grade = report.nodes[0];
  EXPECT_EQ(grade.node_name, "grade");
  EXPECT_EQ(grade.runs, 10u);
  EXPECT_EQ(grade.runs_without_hit, 0u);
  ASSERT_EQ(grade.entries.size(), 4u);
  const size_t hits[] = {2, 1, 3, 4};
  const char* descriptions[] = {"too young", "low income", "mid income", "approve"};
  for (int r = 0; r < 4; ++r) {
    EXPECT_EQ(grade.entries[r].index, r);
    EXPECT_EQ(grade.entries[r].id, "r" + std::to_string(r));
    EXPECT_EQ(grade.entries[r].description, descriptions[r]);
    EXPECT_EQ(grade.entries[r].hits, hits[r]) << "rule " << r;
  }

  // limit by row: 0 0 5000 5000 5000 18000 24000 30000 40000 0: sum 127000, mean 12700;
  // sorted 0 0 0 5000 5000 | 5000 18000 ... so the median is 5000.
  ASSERT_EQ(report.outputs.size(), 2u);  // limit, reason (by name); decision is reported apart
  const OutputDistribution& limit = report.outputs[0];
  EXPECT_EQ(limit.field, "limit");
  ASSERT_TRUE(limit.numbers.has_value());
  EXPECT_EQ(limit.numbers->count, 10u);
  EXPECT_DOUBLE_EQ(limit.numbers->mean, 12700);
  EXPECT_DOUBLE_EQ(limit.numbers->min, 0);
  EXPECT_DOUBLE_EQ(limit.numbers->p50, 5000);
  EXPECT_DOUBLE_EQ(limit.numbers->max, 40000);
  // reason: MANUAL_REVIEW 3, AGE_UNDER_18 2, LOW_INCOME 1; null for the 4 approvals.
  const OutputDistribution& reason = report.outputs[1];
  EXPECT_EQ(reason.field, "reason");
  EXPECT_EQ(reason.present, 6u);
  EXPECT_EQ(reason.missing, 4u);
  EXPECT_FALSE(reason.numbers.has_value());
  ASSERT_EQ(reason.top_values.size(), 3u);
  EXPECT_EQ(reason.top_values[0].value, "MANUAL_REVIEW");
  EXPECT_EQ(reason.top_values[0].count, 3u);
  EXPECT_EQ(CountOf(reason.top_values, "AGE_UNDER_18"), 2u);
  EXPECT_EQ(CountOf(reason.top_values, "LOW_INCOME"), 1u);
  // The reasons list says the same as the reason field.
  EXPECT_EQ(CountOf(report.reasons, "MANUAL_REVIEW"), 3u);
  EXPECT_EQ(CountOf(report.reasons, "AGE_UNDER_18"), 2u);
  EXPECT_EQ(CountOf(report.reasons, "LOW_INCOME"), 1u);

  // Swap set from the table above: decline->decline 3 (rows 1, 2, 10), refer->decline 1 (row 3),
  // refer->approve 2 (rows 4, 5), approve->approve 4.
  std::map<std::pair<std::string, std::string>, size_t> swaps;
  size_t total = 0;
  for (const SwapCell& c : report.swap_set) {
    swaps[{c.strategy_decision, c.compare_decision}] = c.count;
    total += c.count;
  }
  EXPECT_EQ(total, 10u);
  EXPECT_EQ(swaps.size(), 4u);
  EXPECT_EQ((swaps[{"decline", "decline"}]), 3u);
  EXPECT_EQ((swaps[{"refer", "decline"}]), 1u);
  EXPECT_EQ((swaps[{"refer", "approve"}]), 2u);
  EXPECT_EQ((swaps[{"approve", "approve"}]), 4u);

  // Bad rate: decline rows 1, 2, 10 -> bad 1, 1, 0 = 2/3; refer rows 3-5 -> 0, 1, 0 = 1/3;
  // approve rows 6-8 labelled (row 9 is not) -> 0, 0, 1 = 1/3; all 9 labelled, 4 bad.
  ASSERT_EQ(report.bad_rates.size(), 4u);
  EXPECT_EQ(report.bad_rates[0].decision, "approve");
  EXPECT_EQ(report.bad_rates[0].labelled, 3u);
  EXPECT_EQ(report.bad_rates[0].bad, 1u);
  EXPECT_EQ(report.bad_rates[1].decision, "decline");
  EXPECT_EQ(report.bad_rates[1].labelled, 3u);
  EXPECT_EQ(report.bad_rates[1].bad, 2u);
  EXPECT_DOUBLE_EQ(report.bad_rates[1].bad_rate, 2.0 / 3);
  EXPECT_EQ(report.bad_rates[2].decision, "refer");
  EXPECT_EQ(report.bad_rates[2].bad, 1u);
  EXPECT_EQ(report.bad_rates[3].decision, "(all)");
  EXPECT_EQ(report.bad_rates[3].labelled, 9u);
  EXPECT_EQ(report.bad_rates[3].bad, 4u);

  // The JSON says the same; the label is not part of the graph input.
  const json j = BacktestReportToJson(report);
  EXPECT_EQ(j["decisions"][0]["rate"].get<double>(), 0.4);
  EXPECT_EQ(j["swap_set"]["changed"], 3);  // rows 3, 4, 5
  EXPECT_EQ(j["rule_hits"][0]["entries"][3]["rate"].get<double>(), 0.4);
  EXPECT_FALSE(data->Input(0).Find("bad"));
  const std::string text = FormatBacktestReport(report);
  EXPECT_NE(text.find("3 of 10 rows change decision"), std::string::npos) << text;
  EXPECT_NE(text.find("Bad rate by decision"), std::string::npos) << text;
}

TEST(Backtest, DeclaredRulesThatNeverHitAreListedWithZero) {
  const json jdm = GradeGraph(3000, 8000);
  auto a = Compile(jdm, "grade.json");
  // Two adults with high incomes: only r3 hits.
  auto data = BacktestData::ParseCsv("age,income\n30,9000\n40,10000\n", "two.csv");
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  BacktestOptions options;
  EXPECT_EQ(Backtest(*a, nullptr, *data, options).nodes[0].entries.size(), 1u);  // only what the trace names
  options.strategy_jdm = &jdm;
  const BacktestReport report = Backtest(*a, nullptr, *data, options);
  ASSERT_EQ(report.nodes[0].entries.size(), 4u);
  EXPECT_EQ(report.nodes[0].entries[0].hits, 0u);
  EXPECT_EQ(report.nodes[0].entries[0].description, "too young");
  EXPECT_EQ(report.nodes[0].entries[3].hits, 2u);
  EXPECT_TRUE(report.swap_set.empty());
  EXPECT_TRUE(report.bad_rates.empty());
}

TEST(Backtest, DottedCsvColumnsNest) {
  auto data = BacktestData::ParseCsv(
      "applicant.age,applicant.income,applicant.address.city,id\n30,4000,Wuhan,A1\n,NA,,A2\n", "nested.csv");
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_EQ(
      data->Input(0).ToJson(),
      json::parse(R"({"applicant": {"age": 30, "income": 4000, "address": {"city": "Wuhan"}}, "id": "A1"})"));
  EXPECT_EQ(
      data->Input(1).ToJson(),
      json::parse(R"({"applicant": {"age": null, "income": null, "address": {"city": null}}, "id": "A2"})"));
  EXPECT_EQ(data->Where(1), "nested.csv row 2");

  // The same applications, nested, decide as the flat ones do (row 3 of the table above: refer).
  auto graph = Compile(GradeGraph(3000, 8000, "applicant."), "nested_grade.json");
  const BacktestReport report = Backtest(*graph, nullptr, *data, {});
  EXPECT_EQ(CountOf(report.decisions, "refer"), 1u);
  // Row 2 has neither age nor income: `< 18` and `< 3000` fail on null, and r3's limit
  // `applicant.income * 2` cannot be computed, so no rule matches (`credo decide --trace`
  // shows "matched": []) and the output has no decision.
  EXPECT_EQ(CountOf(report.decisions, "(none)"), 1u);
  EXPECT_EQ(report.nodes[0].runs_without_hit, 1u);
}

TEST(Backtest, CsvColumnThatIsAlsoAPrefixIsAnError) {
  auto data = BacktestData::ParseCsv("applicant,applicant.age\nx,30\n", "clash.csv");
  ASSERT_FALSE(data.ok());
  EXPECT_NE(data.status().message().find("'applicant' and 'applicant.age'"), std::string::npos)
      << data.status().ToString();
}

TEST(Backtest, BadLabelsAreErrorsNamingTheRow) {
  auto csv = BacktestData::ParseCsv("age,bad\n30,0\n40,2\n", "labels.csv", "bad");
  ASSERT_FALSE(csv.ok());
  EXPECT_NE(csv.status().message().find("labels.csv row 2"), std::string::npos) << csv.status().ToString();
  auto missing = BacktestData::ParseCsv("age\n30\n", "labels.csv", "bad");
  EXPECT_FALSE(missing.ok());
  auto jsonl = BacktestData::ParseJsonl("{\"age\": 30, \"bad\": 1}\n{\"age\": 31, \"bad\": \"yes\"}\n",
                                        "labels.jsonl", "bad");
  ASSERT_FALSE(jsonl.ok());
  EXPECT_NE(jsonl.status().message().find("labels.jsonl:2"), std::string::npos) << jsonl.status().ToString();
  auto half = BacktestData::ParseJsonl("{\"age\": 30, \"bad\": 0.5}\n", "labels.jsonl", "bad");
  ASSERT_FALSE(half.ok());
  EXPECT_EQ(half.status().message(),
            "labels.jsonl:1: the label 'bad' must be 0 (good), 1 (bad) or null, not 0.5");
  // 1.0 is 1; null is no label; the label leaves the input.
  auto fine = BacktestData::ParseJsonl("{\"age\": 30, \"bad\": 1.0}\n{\"age\": 31, \"bad\": null}\n",
                                       "labels.jsonl", "bad");
  ASSERT_TRUE(fine.ok()) << fine.status().ToString();
  EXPECT_EQ(fine->Label(0), 1);
  EXPECT_EQ(fine->Label(1), std::nullopt);
  EXPECT_EQ(fine->Input(1).ToJson(), json::parse(R"({"age": 31})"));
}

TEST(Backtest, JsonlRowsAndABadLineNamesTheLine) {
  // Line 2 is blank (skipped, but counted).
  auto data = BacktestData::ParseJsonl(
      "{\"age\": 17, \"income\": 10000, \"bad\": 1}\n\n{\"age\": 30, \"income\": 4000}\n", "apps.jsonl",
      "bad");
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  ASSERT_EQ(data->num_rows(), 2u);
  EXPECT_EQ(data->Where(1), "apps.jsonl:3");
  EXPECT_EQ(data->Label(0), 1);
  EXPECT_EQ(data->Label(1), std::nullopt);
  EXPECT_EQ(data->Input(0).ToJson(), json::parse(R"({"age": 17, "income": 10000})"));

  auto bad = BacktestData::ParseJsonl("{\"age\": 17}\n{\"age\": 30}\n\n{\"age\": 3\n", "broken.jsonl");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("broken.jsonl:4: not valid JSON"), std::string::npos)
      << bad.status().ToString();
  auto array = BacktestData::ParseJsonl("{\"age\": 17}\n[1, 2]\n", "array.jsonl");
  ASSERT_FALSE(array.ok());
  EXPECT_NE(array.status().message().find("array.jsonl:2"), std::string::npos) << array.status().ToString();
}

// input -> challenger on `id` (50/50) -> switch (young: age < 18, adult: always) -> an
// expression node per branch, which outputs the decision and the arm -> output.
json SplitGraph() {
  auto decide = [](const char* id, const char* decision) {
    return json{{"id", id},
                {"name", id},
                {"type", "expressionNode"},
                {"content",
                 {{"expressions",
                   {{{"id", "x"}, {"key", "decision"}, {"value", decision}},
                    {{"id", "y"}, {"key", "arm"}, {"value", "arm"}}}}}}};
  };
  json challenger = {
      {"kind", "challenger"},
      {"config",
       {{"key", "id"},
        {"arms", {{{"name", "champion"}, {"percent", 50}}, {{"name", "trial"}, {"percent", 50}}}}}}};
  json statements = {{{"id", "young"}, {"condition", "age < 18"}}, {{"id", "adult"}, {"condition", ""}}};
  return {{"nodes",
           {{{"id", "in"}, {"name", "request"}, {"type", "inputNode"}},
            {{"id", "split"}, {"name", "split"}, {"type", "customNode"}, {"content", challenger}},
            {{"id", "route"},
             {"name", "route"},
             {"type", "switchNode"},
             {"content", {{"hitPolicy", "first"}, {"statements", statements}}}},
            decide("minor", "'decline'"),
            decide("adult", "'approve'"),
            {{"id", "out"}, {"name", "response"}, {"type", "outputNode"}}}},
          {"edges",
           {{{"id", "e1"}, {"sourceId", "in"}, {"targetId", "split"}},
            {{"id", "e2"}, {"sourceId", "split"}, {"targetId", "route"}},
            {{"id", "e3"}, {"sourceId", "route"}, {"targetId", "minor"}, {"sourceHandle", "young"}},
            {{"id", "e4"}, {"sourceId", "route"}, {"targetId", "adult"}, {"sourceHandle", "adult"}},
            {{"id", "e5"}, {"sourceId", "minor"}, {"targetId", "out"}},
            {{"id", "e6"}, {"sourceId", "adult"}, {"targetId", "out"}}}}};
}

TEST(Backtest, SwitchStatementsChallengerArmsAndErrors) {
  const json jdm = SplitGraph();
  auto graph = Compile(jdm, "split.json");
  // Row 3 has no id: the challenger cannot split it, an error naming the row.
  auto data = BacktestData::ParseCsv("id,age\nA1,17\nA2,30\n,40\nA4,50\nA5,16\n", "split.csv");
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  BacktestOptions options;
  options.strategy_jdm = &jdm;
  const BacktestReport report = Backtest(*graph, nullptr, *data, options);
  EXPECT_EQ(report.rows, 5u);
  EXPECT_EQ(report.evaluated, 4u);
  ASSERT_EQ(report.error_count, 1u);
  EXPECT_EQ(report.errors[0].row, 3u);
  EXPECT_EQ(report.errors[0].where, "split.csv row 3");
  EXPECT_NE(report.errors[0].message.find("split"), std::string::npos) << report.errors[0].message;
  // Evaluated rows: ages 17, 30, 50, 16 -> young 2 (decline), adult 2 (approve).
  EXPECT_EQ(CountOf(report.decisions, "decline"), 2u);
  EXPECT_EQ(CountOf(report.decisions, "approve"), 2u);
  ASSERT_EQ(report.nodes.size(), 2u);  // in run order: split, then route
  const NodeHits& split = report.nodes[0];
  const NodeHits& route = report.nodes[1];
  EXPECT_EQ(split.node_type, "challenger");
  ASSERT_EQ(split.entries.size(), 2u);
  // The arms come from a hash; checked against the `arm` output field, counted apart from the trace.
  EXPECT_EQ(split.entries[0].id, "champion");
  EXPECT_EQ(split.entries[1].id, "trial");
  EXPECT_EQ(split.entries[0].hits + split.entries[1].hits, 4u);
  EXPECT_EQ(split.runs, 4u);
  ASSERT_EQ(report.outputs.size(), 1u);
  EXPECT_EQ(report.outputs[0].field, "arm");
  EXPECT_EQ(CountOf(report.outputs[0].top_values, "champion"), split.entries[0].hits);
  EXPECT_EQ(CountOf(report.outputs[0].top_values, "trial"), split.entries[1].hits);
  EXPECT_EQ(route.node_type, "switchNode");
  ASSERT_EQ(route.entries.size(), 2u);
  EXPECT_EQ(route.entries[0].id, "young");
  EXPECT_EQ(route.entries[0].description, "age < 18");
  EXPECT_EQ(route.entries[0].hits, 2u);
  EXPECT_EQ(route.entries[1].id, "adult");
  EXPECT_EQ(route.entries[1].hits, 2u);
}

TEST(Backtest, TwoThreadsGiveWhatOneThreadGives) {
  // 997 rows (a prime, so chunks are uneven) of ages 14..73 and incomes 500..24,500 in
  // steps that wander over every rule, and labels from a third pattern.
  std::string csv = "age,income,bad\n";
  for (int i = 0; i < 997; ++i) {
    csv += std::to_string(14 + (i * 7) % 60) + "," + std::to_string(500 + (i * 4993) % 24001) + "," +
           (i % 11 == 0 ? "" : std::to_string((i * 13) % 5 == 0)) + "\n";
  }
  auto data = BacktestData::ParseCsv(csv, "many.csv", "bad");
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  const json jdm = GradeGraph(3000, 8000);
  auto a = Compile(jdm, "a.json");
  auto b = Compile(GradeGraph(5000, 6000), "b.json");
  BacktestOptions options;
  options.strategy_jdm = &jdm;
  options.threads = 1;
  const json one = BacktestReportToJson(Backtest(*a, b.get(), *data, options));
  size_t last_done = 0;
  size_t calls = 0;
  options.threads = 2;
  options.progress_every_rows = 100;
  options.progress = [&](size_t done, size_t total) {
    EXPECT_GT(done, last_done);
    EXPECT_EQ(total, 997u);
    last_done = done;
    ++calls;
  };
  const json two = BacktestReportToJson(Backtest(*a, b.get(), *data, options));
  EXPECT_EQ(one, two);
  EXPECT_EQ(calls, 10u);  // after 100, 200, ..., 900 and 997 rows
  EXPECT_EQ(last_done, 997u);
  options.threads = 3;
  options.progress = nullptr;
  EXPECT_EQ(one, BacktestReportToJson(Backtest(*a, b.get(), *data, options)));
  EXPECT_EQ(one["rows"], 997);
  EXPECT_GT(one["decisions"].size(), 2u);  // the data does reach every decision
}

}  // namespace
}  // namespace credo::decision
