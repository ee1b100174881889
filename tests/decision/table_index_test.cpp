// Decision-table indexing (decision/table_index.h): which cells qualify,
// what the index yields, and a randomized check that indexed tables decide
// exactly as the full scan does, for hit policies first and collect.
#include "decision/table_index.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "decision/graph.h"
#include "expr/expression.h"

namespace credo::decision {
namespace {

using expr::Value;
using nlohmann::json;

Value V(const char* text) { return Value::FromJson(json::parse(text)); }

std::optional<std::vector<Value>> Literals(const char* cell) {
  auto compiled = expr::CompileUnary(cell);
  EXPECT_TRUE(compiled.ok()) << cell;
  return compiled->EqualityLiterals();
}

TEST(TableIndex, OnlyEqualityWithScalarLiteralsQualifies) {
  // `$ == literal`, alone or in a comma list: the literals themselves.
  EXPECT_EQ(*Literals("'A'"), std::vector<Value>{Value(std::string("A"))});
  EXPECT_EQ(*Literals("\"A\", 2.50, true"),
            (std::vector<Value>{Value(std::string("A")), V("2.5"), Value(true)}));
  // Comparisons, ranges, `$` expressions, null and array literals: no.
  for (const char* cell :
       {"> 5", "[1..3]", "$ == 1", "null", "[1, 2]", "'A' and 'B'", "len($) > 1", "'A', > 2"}) {
    EXPECT_FALSE(Literals(cell)) << cell;
  }
}

// The candidates of `value`, merged, as the table visits them.
std::vector<uint32_t> Visited(const TableIndex& index, const Value& value) {
  std::vector<uint32_t> rules;
  const bool indexed = index.ForEachCandidate(value, [&](uint32_t r) {
    rules.push_back(r);
    return false;
  });
  if (!indexed) rules.push_back(999);  // marks "scan everything"
  return rules;
}

TEST(TableIndex, MergesKeyedAndBlankRulesInRuleOrder) {
  // Rules: 0 '1'(string)  1 blank  2 1  3 'A','B'  4 1.0, 'A'  5 blank  6 true
  TableIndex index;
  index.AddLiterals(0, {Value(std::string("1"))});
  index.AddBlank(1);
  index.AddLiterals(2, {Value::Int(1)});
  index.AddLiterals(3, {Value(std::string("A")), Value(std::string("B"))});
  index.AddLiterals(4, {V("1.0"), Value(std::string("A"))});
  index.AddBlank(5);
  index.AddLiterals(6, {Value(true)});
  // 1.00 equals 1 and 1.0 (rules 2, 4), not the string '1'; blanks 1 and 5 interleave.
  EXPECT_EQ(Visited(index, V("1.00")), (std::vector<uint32_t>{1, 2, 4, 5}));
  EXPECT_EQ(Visited(index, V("\"1\"")), (std::vector<uint32_t>{0, 1, 5}));
  EXPECT_EQ(Visited(index, V("\"A\"")), (std::vector<uint32_t>{1, 3, 4, 5}));
  EXPECT_EQ(Visited(index, V("\"a\"")), (std::vector<uint32_t>{1, 5}));  // case matters
  EXPECT_EQ(Visited(index, V("true")), (std::vector<uint32_t>{1, 5, 6}));
  EXPECT_EQ(Visited(index, V("false")), (std::vector<uint32_t>{1, 5}));
  // Null and arrays are not indexed: the table scans every rule.
  EXPECT_EQ(Visited(index, Value()), (std::vector<uint32_t>{999}));
  EXPECT_EQ(Visited(index, V("[1]")), (std::vector<uint32_t>{999}));
  // Stopping early (hit policy first) visits no further rule.
  std::vector<uint32_t> until_first;
  index.ForEachCandidate(V("1"), [&](uint32_t r) {
    until_first.push_back(r);
    return r == 2;
  });
  EXPECT_EQ(until_first, (std::vector<uint32_t>{1, 2}));
}

// A random table over fields a (literal or blank cells: indexable), b (also
// comparisons and ranges: never indexable) and c.d (literal or blank, more
// blanks). Each rule outputs its own number. Some cells are missing (never match).
json RandomTable(std::mt19937& random, const std::string& policy, size_t rules) {
  const std::vector<std::string> literals = {"1",        "1.0",    "2.50",          "2.5",  "'1'",
                                             "\"A\"",    "'a'",    "'B'",           "true", "false",
                                             "'A', 'B'", "1, 'A'", "\"2024-01-01\""};
  const std::vector<std::string> others = {"> 5", "[1..3]", "< 2", "'x'", "3", "not(3)", ""};
  auto pick = [&](const std::vector<std::string>& from) {
    return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(random)];
  };
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(random) < p; };
  json table = {{"hitPolicy", policy},
                {"inputs", json::array({{{"id", "ia"}, {"name", "A"}, {"field", "a"}},
                                        {{"id", "ib"}, {"name", "B"}, {"field", "b"}},
                                        {{"id", "ic"}, {"name", "C"}, {"field", "c.d"}}})},
                {"outputs", json::array({{{"id", "o"}, {"field", "rule"}}})},
                {"rules", json::array()}};
  for (size_t r = 0; r < rules; ++r) {
    json rule = {{"_id", "r" + std::to_string(r)}, {"o", std::to_string(r)}};
    if (!chance(0.03)) rule["ia"] = chance(0.2) ? "" : pick(literals);
    rule["ib"] = chance(0.5) ? "" : pick(others);
    rule["ic"] = chance(0.6) ? "" : pick(literals);
    table["rules"].push_back(rule);
  }
  return table;
}

// The same table with a last rule whose cells are all `$ != $`: it never
// matches, and no column qualifies for an index any more.
json Unindexable(json table) {
  table["rules"].push_back(
      {{"_id", "never"}, {"ia", "$ != $"}, {"ib", "$ != $"}, {"ic", "$ != $"}, {"o", "-1"}});
  return table;
}

std::shared_ptr<const DecisionGraph> TableGraph(const json& content) {
  json nodes = {{{"id", "in"}, {"type", "inputNode"}, {"name", "request"}},
                {{"id", "t"}, {"type", "decisionTableNode"}, {"name", "T"}, {"content", content}},
                {{"id", "out"}, {"type", "outputNode"}, {"name", "response"}}};
  json edges = {{{"id", "e1"}, {"sourceId", "in"}, {"targetId", "t"}},
                {{"id", "e2"}, {"sourceId", "t"}, {"targetId", "out"}}};
  auto graph = DecisionGraph::Compile({{"nodes", nodes}, {"edges", edges}}, "random.json", {});
  EXPECT_TRUE(graph.ok()) << graph.status().ToString();
  return graph.ok() ? *graph : nullptr;
}

TEST(TableIndex, RandomTablesDecideAsTheFullScanDoes) {
  std::mt19937 random(20250819);
  const std::vector<std::string> a_values = {"1",     "1.0",   "1.000", "2.5",           "2.50",  "\"1\"",
                                             "\"A\"", "\"a\"", "\"B\"", "true",          "false", "null",
                                             "[1]",   "{}",    "7",     "\"2024-01-01\""};
  const std::vector<std::string> b_values = {"0", "2", "3", "4", "9", "\"x\"", "null"};
  size_t compared = 0;
  size_t hits = 0;
  for (int t = 0; t < 60; ++t) {
    const std::string policy = t % 2 ? "collect" : "first";
    const json table = RandomTable(random, policy, 8 + random() % 60);
    auto indexed = TableGraph(table);
    auto scanned = TableGraph(Unindexable(table));
    ASSERT_TRUE(indexed && scanned);
    for (int i = 0; i < 40; ++i) {
      json input = json::object();
      auto pick = [&](const std::vector<std::string>& from) {
        return json::parse(from[random() % from.size()]);
      };
      if (random() % 10) input["a"] = pick(a_values);  // else missing: null
      input["b"] = pick(b_values);
      if (random() % 3) input["c"] = {{"d", pick(a_values)}};
      const Value request = Value::FromJson(input);
      auto got = indexed->Evaluate(request, {0, TraceLevel::kMatched});
      auto want = scanned->Evaluate(request, {0, TraceLevel::kMatched});
      ASSERT_TRUE(got.ok() && want.ok());
      EXPECT_EQ(got->output, want->output) << policy << " " << input.dump() << "\n" << table.dump();
      ASSERT_EQ(got->trace.size(), want->trace.size());
      for (size_t n = 0; n < got->trace.size(); ++n) EXPECT_EQ(got->trace[n].matched, want->trace[n].matched);
      ++compared;
      hits += !(got->output == Value()) && !(got->output == V("[]"));
    }
  }
  // The comparison means something only if many inputs hit some rule.
  EXPECT_EQ(compared, 2400u);
  EXPECT_GT(hits, compared / 3);
}

}  // namespace
}  // namespace credo::decision
