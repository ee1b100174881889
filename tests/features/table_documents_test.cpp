// Relational CSV tables to applicant documents: a hand-written table set
// converted and compared field by field with hand-written documents; the
// spec's errors with their lines; data errors with their row and column.
#include "features/table_documents.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace credo::features {
namespace {

namespace fs = std::filesystem;

const std::string kFixtures = CREDO_SOURCE_DIR "/tests/features/fixtures/";

// A scratch directory of this process and test, removed afterwards.
class ScratchDir {
 public:
  ScratchDir() {
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::path(::testing::TempDir()) /
            ("credo_table_documents_" + std::to_string(::getpid()) + "_" + test->name());
    fs::create_directories(path_);
  }
  ~ScratchDir() { fs::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
    return (path_ / name).string();
  }
  std::string Path(const std::string& name) const { return (path_ / name).string(); }
  std::string dir() const { return path_.string(); }

 private:
  fs::path path_;
};

// Every line of a plain or gzip file, each parsed as JSON.
std::vector<nlohmann::json> ReadJsonLines(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  EXPECT_NE(file, nullptr) << path;
  std::string text;
  char buffer[4096];
  int n;
  while ((n = gzread(file, buffer, sizeof buffer)) > 0) text.append(buffer, n);
  gzclose(file);
  std::vector<nlohmann::json> lines;
  std::istringstream stream(text);
  std::string line;
  while (std::getline(stream, line)) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

Result<TableDocumentsReport> Convert(const std::string& spec_path, const std::string& tables_dir,
                                     const std::string& out) {
  Result<DocumentSpec> spec = LoadDocumentSpec(spec_path);
  if (!spec.ok()) return spec.status();
  return WriteTableDocuments(*spec, tables_dir, out);
}

// The fixture set (tests/features/fixtures/tables/, spec tables.yaml) and its
// documents written by hand in expected_documents.jsonl. The dates there
// were worked out by hand from the anchor 2021-03-31: DAYS -31 -> 2021-02-28
// (March has 31 days), DAYS -365 -> 2020-03-31 (no Feb 29 in between),
// MONTHS -1 -> 2021-02-31, clamped to 2021-02-28, MONTHS -13 -> 2020-02-31,
// clamped to the leap day 2020-02-29. Also covered: a quoted comma, doubled
// quotes, UTF-8, empty cells left out, a gzip table, lower-cased and as-is
// field names, omitted key columns, a numeric-looking text column (STATUS).
TEST(TableDocumentsTest, FixtureTablesGiveTheHandWrittenDocuments) {
  ScratchDir scratch;
  const std::string out = scratch.Path("documents.jsonl");
  Result<TableDocumentsReport> report = Convert(kFixtures + "tables.yaml", kFixtures + "tables", out);
  ASSERT_TRUE(report.ok()) << report.status().ToString();

  const std::vector<nlohmann::json> actual = ReadJsonLines(out);
  const std::vector<nlohmann::json> expected = ReadJsonLines(kFixtures + "expected_documents.jsonl");
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    // A JSON patch from the actual to the expected document lists every field that differs.
    const nlohmann::json differences = nlohmann::json::diff(actual[i], expected[i]);
    EXPECT_TRUE(differences.empty()) << "document " << i + 1 << ": " << differences.dump()
                                     << "\nactual: " << actual[i].dump();
  }
  // Numbers are JSON numbers and the status codes strings.
  EXPECT_TRUE(actual[0]["AMT_INCOME"].is_number());
  EXPECT_TRUE(actual[0]["accounts"][0]["history"][0]["status"].is_string());
}

// accounts.csv: 5 rows; row 4 (ID 9) has no applicant, row 5 no DAYS.
// account_months.csv: 5 rows; row 5 (ACC_ID 99) has no account, row 4
// belongs to account 13, which is itself an orphan.
TEST(TableDocumentsTest, ReportCountsRecordsOrphansAndLeftOutRows) {
  ScratchDir scratch;
  Result<TableDocumentsReport> report =
      Convert(kFixtures + "tables.yaml", kFixtures + "tables", scratch.Path("documents.jsonl.gz"));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->documents, 3);
  ASSERT_EQ(report->lists.size(), 3u);

  const RecordListReport& accounts = report->lists[0];
  EXPECT_EQ(accounts.path, "accounts");
  EXPECT_EQ(accounts.rows, 5);
  EXPECT_EQ(accounts.written, 3);
  EXPECT_EQ(accounts.orphans, 1);
  EXPECT_EQ(accounts.first_orphan, "row 4 (ID = 9)");
  EXPECT_EQ(accounts.undated, 1);
  EXPECT_EQ(accounts.unreached, 0);

  const RecordListReport& history = report->lists[1];
  EXPECT_EQ(history.path, "accounts.history");
  EXPECT_EQ(history.rows, 5);
  EXPECT_EQ(history.written, 3);
  EXPECT_EQ(history.orphans, 1);
  EXPECT_EQ(history.first_orphan, "row 5 (ACC_ID = 99)");
  EXPECT_EQ(history.undated, 0);
  EXPECT_EQ(history.unreached, 1);

  const RecordListReport& cards = report->lists[2];
  EXPECT_EQ(cards.path, "cards");
  EXPECT_EQ(cards.written, 1);
  EXPECT_EQ(cards.orphans, 0);

  // The gzip output holds the same three documents.
  EXPECT_EQ(ReadJsonLines(scratch.Path("documents.jsonl.gz")).size(), 3u);
}

// Parses `yaml` as spec "spec.yaml"; the error as "path: message", or "".
std::string SpecError(const std::string& yaml) {
  Result<DocumentSpec> spec = ParseDocumentSpec(yaml, "spec.yaml");
  return spec.ok() ? "" : spec.status().ToString();
}

TEST(TableDocumentsSpecTest, ParsesTheFixtureSpec) {
  Result<DocumentSpec> spec = LoadDocumentSpec(kFixtures + "tables.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->observation_date.ToString(), "2021-03-31");
  EXPECT_EQ(spec->root.file.text, "applicants.csv");
  EXPECT_EQ(spec->root.field_names, FieldNaming::kAsIs);  // the root's default
  ASSERT_EQ(spec->root.lists.size(), 2u);
  const TableSpec& accounts = spec->root.lists[0];
  EXPECT_EQ(accounts.name.text, "accounts");
  EXPECT_EQ(accounts.field_names, FieldNaming::kLowerCase);  // a list's default
  EXPECT_EQ(accounts.date_unit, OffsetUnit::kDays);
  EXPECT_EQ(accounts.date_offset.text, "DAYS");
  EXPECT_EQ(accounts.date_offset.line, 14);
  EXPECT_EQ(accounts.lists[0].date_unit, OffsetUnit::kMonths);
  EXPECT_EQ(spec->root.lists[1].field_names, FieldNaming::kAsIs);
}

TEST(TableDocumentsSpecTest, ErrorsNameTheLine) {
  const std::string head = "observation_date: 2021-03-31\nroot:\n  file: a.csv\n  key: ID\n";
  const struct {
    std::string yaml;
    std::string expected;
  } cases[] = {
      {"observation_date: [1,\n", "spec.yaml:2: not valid YAML"},
      {"root:\n  file: a.csv\n", "spec.yaml:1: the spec needs 'observation_date'"},
      {"observation_date: 2021-02-30\nroot: {file: a.csv}\n", "spec.yaml:1: observation_date must be a date"},
      {"observation_date: 2021-03-31\nroot: {file: a.csv}\nextra: 1\n", "spec.yaml:3: unknown key 'extra'"},
      {"observation_date: 2021-03-31\nroot:\n  flie: a.csv\n", "spec.yaml:3: unknown key 'flie' in root"},
      {"observation_date: 2021-03-31\nroot:\n  key: ID\n", "spec.yaml:3: root needs 'file'"},
      {head + "  field_names: upper\n", "spec.yaml:5: field_names must be as_is or lower_case"},
      {head + "  omit: ID\n", "spec.yaml:5: omit must be a list of column names"},
      {"observation_date: 2021-03-31\nroot:\n  file: a.csv\n  lists:\n    - {name: b, file: b.csv, "
       "parent_key: ID, date: {days_offset: D}}\n",
       "spec.yaml:3: root has lists, so it needs 'key'"},
      {head + "  lists:\n    - name: b\n      file: b.csv\n      date: {days_offset: D}\n",
       "spec.yaml:6: list 'b' needs 'parent_key'"},
      {head + "  lists:\n    - name: b\n      file: b.csv\n      parent_key: ID\n",
       "spec.yaml:6: list 'b' needs 'date'"},
      {head +
           "  lists:\n    - name: b\n      file: b.csv\n      parent_key: ID\n      date: {days_offset: D, "
           "months_offset: M}\n",
       "spec.yaml:9: date must be {days_offset: COLUMN} or {months_offset: COLUMN}"},
      {head + "  lists:\n    - name: b\n      file: b.csv\n      parent_key: ID\n      date: {weeks_offset: "
              "W}\n",
       "spec.yaml:9: unknown key 'weeks_offset' in date"},
      {head + "  lists:\n    - name: Bureau-Accounts\n      file: b.csv\n      parent_key: ID\n"
              "      date: {days_offset: D}\n",
       "spec.yaml:6: list name 'Bureau-Accounts' must be lower_snake_case"},
      {head + "  lists:\n    - {name: b, file: b.csv, parent_key: ID, date: {days_offset: D}}\n"
              "    - {name: b, file: c.csv, parent_key: ID, date: {days_offset: D}}\n",
       "spec.yaml:7: two lists of root are named 'b'"},
      {head + "  date: {days_offset: D}\n", "spec.yaml:5: unknown key 'date' in root"},
  };
  for (const auto& c : cases) {
    const std::string error = SpecError(c.yaml);
    EXPECT_EQ(error.substr(0, c.expected.size()), c.expected) << "spec:\n" << c.yaml << "\nerror: " << error;
  }
}

TEST(TableDocumentsSpecTest, MissingSpecFileIsNotFound) {
  Result<DocumentSpec> spec = LoadDocumentSpec(kFixtures + "no_such_spec.yaml");
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().code(), ErrorCode::kNotFound);
}

// Data errors: each names the spec line or the table file, row and column.
TEST(TableDocumentsTest, DataErrorsNameTheSpecLineOrTheRowAndColumn) {
  const std::string spec_head =
      "observation_date: 2021-03-31\n"  // 1
      "root:\n"                         // 2
      "  file: a.csv\n"                 // 3
      "  key: ID\n"                     // 4
      "  lists:\n"                      // 5
      "    - name: b\n"                 // 6
      "      file: b.csv\n"             // 7
      "      parent_key: ID\n";         // 8
  const struct {
    std::string what;
    std::string a_csv;
    std::string b_csv;
    std::string spec_tail;  // from line 9
    std::string place;      // how the error's path ends
    std::string message;    // what its message contains
  } cases[] = {
      {"unknown date column", "ID\n1\n", "ID,D\n1,-3\n", "      date: {days_offset: DAYS}\n", "spec.yaml:9",
       "no column 'DAYS'"},
      {"unknown omitted column", "ID\n1\n", "ID,D\n1,-3\n", "      date: {days_offset: D}\n      omit: [X]\n",
       "spec.yaml:10", "no column 'X'"},
      {"unknown text column", "ID\n1\n", "ID,D\n1,-3\n", "      date: {days_offset: D}\n      text: [X]\n",
       "spec.yaml:10", "no column 'X'"},
      {"duplicate key", "ID\n1\n2\n1\n", "ID,D\n1,-3\n", "      date: {days_offset: D}\n",
       "a.csv row 3, column ID", "key 1 is also on row 1"},
      {"text offset", "ID\n1\n", "ID,D\n1,\n1,soon\n", "      date: {days_offset: D}\n",
       "b.csv row 2, column D", "the date offset column holds text ('soon')"},
      {"fractional offset", "ID\n1\n", "ID,D\n1,-3\n1,-1.5\n", "      date: {months_offset: D}\n",
       "b.csv row 2, column D", "a date offset must be a whole number of months"},
      {"offset beyond the calendar", "ID\n1\n", "ID,D\n1,3000000\n", "      date: {days_offset: D}\n",
       "b.csv row 1, column D", "gives a date outside years 1-9999"},
      {"two fields under one name", "ID\n1\n", "ID,D,Type,TYPE\n1,-3,a,b\n", "      date: {days_offset: D}\n",
       "spec.yaml:6",
       "column 'TYPE' of b.csv would be written as 'type', the name of column 'Type' of b.csv"},
      {"a field named like the record date", "ID\n1\n", "ID,D,DATE\n1,-3,x\n",
       "      date: {days_offset: D}\n", "spec.yaml:6",
       "column 'DATE' of b.csv would be written as 'date', the name of the document's own field"},
      {"a root field named like a list", "ID,b\n1,2\n", "ID,D\n1,-3\n", "      date: {days_offset: D}\n",
       "spec.yaml:3", "column 'b' of a.csv would be written as 'b', the name of the record list 'b'"},
      {"text that is not UTF-8", "ID,NAME\n1,ok\n2,caf\xe9\n", "ID,D\n1,-3\n",
       "      date: {days_offset: D}\n", "a.csv row 2, column NAME", "the text is not valid UTF-8"},
  };
  for (const auto& c : cases) {
    ScratchDir scratch;
    scratch.Write("a.csv", c.a_csv);
    scratch.Write("b.csv", c.b_csv);
    const std::string spec_path = scratch.Write("spec.yaml", spec_head + c.spec_tail);
    Result<TableDocumentsReport> report = Convert(spec_path, scratch.dir(), scratch.Path("out.jsonl"));
    ASSERT_FALSE(report.ok()) << c.what;
    const Status& status = report.status();
    EXPECT_TRUE(status.path().ends_with(c.place)) << c.what << ": " << status.ToString();
    EXPECT_NE(status.message().find(c.message), std::string::npos) << c.what << ": " << status.ToString();
    // A failed conversion leaves no output behind.
    EXPECT_FALSE(fs::exists(scratch.Path("out.jsonl"))) << c.what;
    EXPECT_FALSE(fs::exists(scratch.Path("out.jsonl.partial"))) << c.what;
  }
}

TEST(TableDocumentsTest, UnknownColumnErrorsListTheTableColumns) {
  ScratchDir scratch;
  scratch.Write("a.csv", "ID\n1\n");
  scratch.Write("b.csv", "ID,D\n1,-3\n");
  const std::string spec_path =
      scratch.Write("spec.yaml",
                    "observation_date: 2021-03-31\nroot:\n  file: a.csv\n  key: ID\n  lists:\n    - name: b\n"
                    "      file: b.csv\n      parent_key: CUST_ID\n      date: {days_offset: D}\n");
  Result<TableDocumentsReport> report = Convert(spec_path, scratch.dir(), scratch.Path("out.jsonl"));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(report.status().path(), spec_path + ":8");
  EXPECT_NE(report.status().message().find("CUST_ID"), std::string::npos) << report.status().message();
  EXPECT_NE(report.status().message().find("ID, D"), std::string::npos) << report.status().message();
}

TEST(TableDocumentsTest, MissingTableFileNamesTheSpecLine) {
  ScratchDir scratch;
  const std::string spec_path =
      scratch.Write("spec.yaml", "observation_date: 2021-03-31\nroot:\n  file: missing.csv\n");
  Result<TableDocumentsReport> report = Convert(spec_path, scratch.dir(), scratch.Path("out.jsonl"));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(report.status().path(), spec_path + ":3");
  EXPECT_NE(report.status().message().find("missing.csv"), std::string::npos) << report.status().message();
}

}  // namespace
}  // namespace credo::features
