// The commands that write applicant documents, run as a user does:
// `credo features docs` (tables -> documents) and `credo gen --documents`.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "run_credo.h"

namespace {

using credo::testing::RunCredo;
namespace fs = std::filesystem;

const std::string kFixtures = CREDO_SOURCE_DIR "/tests/features/fixtures/";

class DocumentsCliTest : public credo::testing::ScratchDirTest {
 protected:
  DocumentsCliTest() : ScratchDirTest("credo_documents_cli_") {}
  std::vector<nlohmann::json> Lines(const std::string& name) const {
    std::ifstream in(Path(name));
    std::vector<nlohmann::json> lines;
    std::string line;
    while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
    return lines;
  }
};

TEST_F(DocumentsCliTest, FeaturesDocsWritesDocumentsAndReportsOrphans) {
  const auto run = RunCredo("features docs --tables " + kFixtures + "tables --spec " + kFixtures +
                            "tables.yaml --out " + Path("docs.jsonl"));
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_EQ(Lines("docs.jsonl").size(), 3u);
  EXPECT_NE(run.out.find("wrote 3 documents"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("accounts: 3 records; 1 orphan rows in"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("first: row 4 (ID = 9)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("accounts.history: 3 records"), std::string::npos) << run.out;
}

TEST_F(DocumentsCliTest, FeaturesDocsBadSpecExitsWithTwoAndNoOutput) {
  {
    std::ofstream(Path("spec.yaml"))
        << "observation_date: 2021-03-31\nroot:\n  file: applicants.csv\n  omit: [NOPE]\n";
  }
  const auto run = RunCredo("features docs --tables " + kFixtures + "tables --spec " + Path("spec.yaml") +
                            " --out " + Path("docs.jsonl"));
  EXPECT_EQ(run.exit_code, 2) << run.out;
  EXPECT_NE(run.out.find("spec.yaml:4"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("NOPE"), std::string::npos) << run.out;
  EXPECT_FALSE(fs::exists(Path("docs.jsonl")));
  EXPECT_EQ(RunCredo("features docs --spec x.yaml --out y.jsonl").exit_code, 1);  // --tables missing
}

TEST_F(DocumentsCliTest, GenDocumentsWritesOneDocumentPerApplicant) {
  const auto run = RunCredo("gen --documents --rows 40 --seed 3 --out " + Path("gen.jsonl"));
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const std::vector<nlohmann::json> docs = Lines("gen.jsonl");
  ASSERT_EQ(docs.size(), 40u);
  EXPECT_EQ(docs[0]["applicant_id"], "A0000000001");
  EXPECT_TRUE(docs[39]["bureau_accounts"].is_array());

  ASSERT_EQ(RunCredo("gen --documents --typical-size --rows 5 --out " + Path("typical.jsonl")).exit_code, 0);
  for (const nlohmann::json& doc : Lines("typical.jsonl")) EXPECT_GE(doc["bureau_accounts"].size(), 20u);
  // --typical-size only makes sense with --documents.
  EXPECT_EQ(RunCredo("gen --typical-size --rows 5 --out " + Path("x.csv")).exit_code, 1);
}

}  // namespace
