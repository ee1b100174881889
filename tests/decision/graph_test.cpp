// The decision engine's own behaviour beyond the reference suite: ZEN's merge
// and dot paths, load-time validation, the credit nodes (matrix, challenger)
// and the reasons list. Expected values are worked out by hand in comments.
#include "decision/graph.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "decision/value_ops.h"

namespace credo::decision {
namespace {

using expr::Object;
using expr::Value;
using nlohmann::json;

Value V(const char* text) { return Value::FromJson(json::parse(text)); }

Result<std::shared_ptr<const DecisionGraph>> Build(const json& nodes, const json& edges) {
  return DecisionGraph::Compile({{"nodes", nodes}, {"edges", edges}}, "test.json", {});
}

// input → node → output, the common shape of these tests.
Result<std::shared_ptr<const DecisionGraph>> Chain(const json& middle) {
  json nodes = json::array({{{"id", "in"}, {"type", "inputNode"}, {"name", "request"}}});
  json edges = json::array();
  std::string previous = "in";
  for (const json& node : middle) {
    nodes.push_back(node);
    edges.push_back({{"id", previous + "-" + node["id"].get<std::string>()},
                     {"sourceId", previous},
                     {"targetId", node["id"]}});
    previous = node["id"];
  }
  nodes.push_back({{"id", "out"}, {"type", "outputNode"}, {"name", "response"}});
  edges.push_back({{"id", "last"}, {"sourceId", previous}, {"targetId", "out"}});
  return Build(nodes, edges);
}

Value Decide(const DecisionGraph& graph, const char* input) {
  auto result = graph.Evaluate(V(input), {});
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? result->output : Value();
}

TEST(Merge, ObjectsMergeNullsRemoveOthersReplace) {
  // b.c is removed by the null, b.e added, b.d kept; f added; a kept.
  EXPECT_EQ(Merge(V(R"js({"a":1,"b":{"c":2,"d":3}})js"), V(R"js({"b":{"c":null,"e":4},"f":[1]})js")),
            V(R"js({"a":1,"b":{"d":3,"e":4},"f":[1]})js"));
  // Nested arrays replace rather than concatenate.
  EXPECT_EQ(Merge(V(R"js({"xs":[1,2]})js"), V(R"js({"xs":[3]})js")), V(R"js({"xs":[3]})js"));
  // At the top level an array replaces the document and a scalar changes nothing.
  EXPECT_EQ(Merge(V(R"js({"a":1})js"), V("[1,2]")), V("[1,2]"));
  EXPECT_EQ(Merge(V(R"js({"a":1})js"), V("7")), V(R"js({"a":1})js"));
  EXPECT_EQ(Merge(V(R"js({"a":1})js"), Value()), V(R"js({"a":1})js"));
}

TEST(DotInsert, CreatesObjectsOnThePathAndRefusesToOverwriteALeaf) {
  Object o = V(R"js({"limit":{"currency":"CNY"},"n":1})js").as_object();
  EXPECT_TRUE(DotInsert(o, "limit.amount_fen", Value::Int(500000)));
  EXPECT_TRUE(DotInsert(o, "a.b.c", Value::Int(1)));
  EXPECT_EQ(Value(o), V(R"js({"limit":{"currency":"CNY","amount_fen":500000},"n":1,"a":{"b":{"c":1}}})js"));
  EXPECT_FALSE(DotInsert(o, "n.x", Value::Int(2)));  // n is a number
  EXPECT_EQ(*Value(o).Find("n"), Value::Int(1));
}

TEST(Load, RefusesWhatCannotRunAndNamesTheNode) {
  auto function_node = Chain(json::array({{{"id", "f"}, {"type", "functionNode"}, {"name", "js"}}}));
  ASSERT_FALSE(function_node.ok());
  EXPECT_NE(function_node.status().message().find("node 'js' (functionNode)"), std::string::npos);

  auto bad_cell = Chain(json::parse(R"js([{"id":"t","type":"decisionTableNode","name":"grade","content":{
      "hitPolicy":"first","inputs":[{"id":"i","name":"Score","field":"score"}],
      "outputs":[{"id":"o","name":"Grade","field":"grade"}],
      "rules":[{"_id":"r1","i":"> 600","o":"'A'"},{"_id":"r2","i":"> (","o":"'B'"}]}}])js"));
  ASSERT_FALSE(bad_cell.ok());
  EXPECT_NE(
      bad_cell.status().message().find("node 'grade' (decisionTableNode): rule 2, input column 'Score'"),
      std::string::npos)
      << bad_cell.status().message();

  json two_inputs = json::array({{{"id", "a"}, {"type", "inputNode"}}, {{"id", "b"}, {"type", "inputNode"}}});
  EXPECT_FALSE(Build(two_inputs, json::array()).ok());

  json nodes =
      json::array({{{"id", "in"}, {"type", "inputNode"}},
                   {{"id", "x"}, {"type", "expressionNode"}, {"content", {{"expressions", json::array()}}}},
                   {{"id", "y"}, {"type", "expressionNode"}, {"content", {{"expressions", json::array()}}}}});
  auto dangling = Build(nodes, json::parse(R"js([{"id":"e","sourceId":"in","targetId":"nowhere"}])js"));
  ASSERT_FALSE(dangling.ok());
  EXPECT_NE(dangling.status().message().find("'nowhere'"), std::string::npos);
  auto cycle = Build(nodes, json::parse(R"js([{"id":"1","sourceId":"in","targetId":"x"},
      {"id":"2","sourceId":"x","targetId":"y"},{"id":"3","sourceId":"y","targetId":"x"}])js"));
  ASSERT_FALSE(cycle.ok());
  EXPECT_NE(cycle.status().message().find("cycle"), std::string::npos);
}

const char* kLimitMatrix =
    R"js([{"id":"m","type":"customNode","name":"limit","content":{"kind":"matrix","config":{
    "rows":{"field":"grade","bands":["'A'","'B'"]},
    "columns":{"field":"income","bands":["< 5000","[5000..10000)",">= 10000"]},
    "values":[[100,200,300],[10,20,30]],"default":0,"outputPath":"offer.limit_fen"}}}])js";

TEST(MatrixNode, LooksUpTheCellOfBothBandsOrTheDefault) {
  auto graph = Chain(json::parse(kLimitMatrix));
  ASSERT_TRUE(graph.ok()) << graph.status().ToString();
  // B is row 2; 10000 falls in ">= 10000", column 3: 30. The input passes through.
  EXPECT_EQ(Decide(**graph, R"js({"grade":"B","income":10000})js"),
            V(R"js({"grade":"B","income":10000,"offer":{"limit_fen":30}})js"));
  // A, 4999.99 < 5000: row 1, column 1: 100.
  EXPECT_EQ(*Decide(**graph, R"js({"grade":"A","income":4999.99})js").Find("offer"),
            V(R"js({"limit_fen":100})js"));
  // No band for grade C: the default.
  EXPECT_EQ(*Decide(**graph, R"js({"grade":"C","income":7000})js").Find("offer"),
            V(R"js({"limit_fen":0})js"));
}

TEST(MatrixNode, RefusesAValueTableOfTheWrongShape) {
  json nodes = json::parse(kLimitMatrix);
  nodes[0]["content"]["config"]["values"][1] = json::array({10, 20});
  auto graph = Chain(nodes);
  ASSERT_FALSE(graph.ok());
  EXPECT_NE(graph.status().message().find("config.values[1]"), std::string::npos) << graph.status().message();
}

const char* kSplit =
    R"js([{"id":"c","type":"customNode","name":"split","content":{"kind":"challenger","config":{
    "key":"applicant_id","salt":"cash-2026-11",
    "arms":[{"name":"champion","percent":90},{"name":"challenger","percent":10}]}}}])js";

TEST(ChallengerNode, SplitsStablyInTheStatedShares) {
  auto graph = Chain(json::parse(kSplit));
  auto again = Chain(json::parse(kSplit));
  ASSERT_TRUE(graph.ok() && again.ok());
  int challenger = 0;
  const int n = 10000;
  for (int i = 0; i < n; ++i) {
    const std::string input = R"js({"applicant_id":"A)js" + std::to_string(i) + R"js("})js";
    auto first = (*graph)->Evaluate(V(input.c_str()), {});
    auto second = (*again)->Evaluate(V(input.c_str()), {});
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_EQ(first->arm, second->arm);  // the same key always gets the same arm
    EXPECT_EQ(*first->output.Find("arm"), Value(first->arm));
    challenger += first->arm == "challenger";
  }
  // Binomial(10000, 0.1): sd = sqrt(10000 * 0.1 * 0.9) = 30, so ±150 is five sd.
  EXPECT_NEAR(challenger, 1000, 150);
}

TEST(ChallengerNode, RefusesSharesThatDoNotAddUpAndAMissingKey) {
  json nodes = json::parse(kSplit);
  nodes[0]["content"]["config"]["arms"][1]["percent"] = 20;
  auto bad = Chain(nodes);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("add up to 110"), std::string::npos) << bad.status().message();
  auto graph = Chain(json::parse(kSplit));
  auto missing = (*graph)->Evaluate(V(R"js({"other":1})js"), {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("applicant_id"), std::string::npos);
}

TEST(Reasons, AccumulateInNodeOrderWithoutDuplicates) {
  // Knock-outs (collect) give AGE then INCOME; the second table repeats AGE
  // and adds a list with FRAUD: AGE, INCOME, FRAUD.
  auto graph = Chain(json::parse(R"js([
    {"id":"k","type":"decisionTableNode","name":"knock-outs","content":{"hitPolicy":"collect","passThrough":true,
      "outputPath":"hits","inputs":[{"id":"i","name":"rule"}],"outputs":[{"id":"o","field":"reason"}],
      "rules":[{"_id":"1","i":"age < 22","o":"'AGE'"},{"_id":"2","i":"income < 2000","o":"'INCOME'"},
               {"_id":"3","i":"false","o":"'NEVER'"}]}},
    {"id":"f","type":"decisionTableNode","name":"final","content":{"hitPolicy":"first","passThrough":true,
      "inputs":[{"id":"i","name":"rule"}],"outputs":[{"id":"o","field":"reasons"},{"id":"d","field":"decision"}],
      "rules":[{"_id":"1","i":"len(hits) > 0","o":"['AGE', 'FRAUD']","d":"'decline'"}]}}])js"));
  ASSERT_TRUE(graph.ok()) << graph.status().ToString();
  auto result = (*graph)->Evaluate(V(R"js({"age":20,"income":1500})js"), {0, TraceLevel::kMatched});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->reasons, V(R"js(["AGE","INCOME","FRAUD"])js"));
  EXPECT_EQ(*result->output.Find("decision"), Value(std::string("decline")));
  // The trace keeps which rules matched: rules 1 and 2 of the knock-outs, rule 1 of final.
  ASSERT_EQ(result->trace.size(), 3u);  // knock-outs, final, output
  EXPECT_EQ(result->trace[0].matched, V(R"js([{"index":0,"_id":"1"},{"index":1,"_id":"2"}])js"));
  EXPECT_EQ(result->trace[1].matched, V(R"js([{"index":0,"_id":"1"}])js"));
}

}  // namespace
}  // namespace credo::decision
