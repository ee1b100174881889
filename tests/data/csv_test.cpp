#include "data/csv.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_files.h"

namespace credo::data {
namespace {

using Record = std::vector<std::string>;

// Every record of a reader, with the line each started on.
std::vector<std::pair<size_t, Record>> ReadAll(CsvReader& reader) {
  std::vector<std::pair<size_t, Record>> records;
  std::vector<std::string_view> fields;
  for (;;) {
    Result<bool> more = reader.Next(&fields);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) return records;
    records.emplace_back(reader.line(), Record(fields.begin(), fields.end()));
  }
}

std::unique_ptr<CsvReader> OpenOrDie(const std::string& path, char delimiter = 0) {
  Result<std::unique_ptr<CsvReader>> reader = CsvReader::Open(path, delimiter);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  return std::move(reader).value();
}

std::unique_ptr<CsvReader> FromTextOrDie(std::string_view text, char delimiter = 0) {
  Result<std::unique_ptr<CsvReader>> reader = CsvReader::FromText(text, "memory.csv", delimiter);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  return std::move(reader).value();
}

// The first error a reader reports.
Status FirstError(CsvReader& reader) {
  std::vector<std::string_view> fields;
  for (;;) {
    Result<bool> more = reader.Next(&fields);
    if (!more.ok()) return more.status();
    if (!*more) return Status::Ok();
  }
}

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

TEST(CsvReaderTest, QuotedFieldsKeepDelimitersQuotesAndNewlines) {
  auto reader = OpenOrDie(Fixture("quoted_newlines.csv"));
  EXPECT_EQ(reader->delimiter(), ',');
  const auto records = ReadAll(*reader);
  // The second record spans lines 2-3, so the third starts on line 4.
  const std::vector<std::pair<size_t, Record>> expected = {
      {1, {"id", "comment", "amount"}},
      {2, {"1", "first line\nsecond line", "10"}},
      {4, {"2", "she said \"yes\", then left", "20"}},
      {5, {"3", "plain", "30"}},
  };
  EXPECT_EQ(records, expected);
}

TEST(CsvReaderTest, SkipsBomAndDetectsSemicolon) {
  auto reader = OpenOrDie(Fixture("semicolon_with_bom.csv"));
  EXPECT_EQ(reader->delimiter(), ';');
  const auto records = ReadAll(*reader);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].second, (Record{"name", "amount", "city"}));  // no BOM bytes in "name"
  EXPECT_EQ(records[1].second, (Record{"Zhang San", "1,5", "Bei;jing"}));
}

TEST(CsvReaderTest, TabSeparatedWithCrlf) {
  auto reader = OpenOrDie(Fixture("tab_separated_crlf.tsv"));
  EXPECT_EQ(reader->delimiter(), '\t');
  const auto records = ReadAll(*reader);
  const std::vector<std::pair<size_t, Record>> expected = {
      {1, {"loan_id", "grade", "apr_bps"}}, {2, {"101", "A", "1250"}}, {3, {"102", "B", "1830"}}};
  EXPECT_EQ(records, expected);
}

TEST(CsvReaderTest, DetectsDelimiterFromHeaderOutsideQuotes) {
  // The commas inside quotes do not count: two semicolons beat one tab.
  EXPECT_EQ(FromTextOrDie("\"a,b,c\";d;e\tf\n1;2;3\n")->delimiter(), ';');
  EXPECT_EQ(FromTextOrDie("a\tb\tc,d\n")->delimiter(), '\t');
  EXPECT_EQ(FromTextOrDie("a,b;c\n")->delimiter(), ',');  // a tie goes to ','
  EXPECT_EQ(FromTextOrDie("only_column\n1\n")->delimiter(), ',');
  // Only the header line counts: the semicolons of the data line do not.
  EXPECT_EQ(FromTextOrDie("a,b\n1;2;3;4\n")->delimiter(), ',');
}

TEST(CsvReaderTest, DeclaredDelimiterOverridesDetection) {
  auto reader = FromTextOrDie("a;b,c\n", ',');
  EXPECT_EQ(ReadAll(*reader), (std::vector<std::pair<size_t, Record>>{{1, {"a;b", "c"}}}));
  EXPECT_FALSE(CsvReader::FromText("a\n", "memory.csv", '"').ok());
}

TEST(CsvReaderTest, UnterminatedQuoteNamesTheLineItOpensOn) {
  auto reader = OpenOrDie(Fixture("unterminated_quote.csv"));
  const Status status = FirstError(*reader);
  EXPECT_EQ(status.code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(status.path(), Fixture("unterminated_quote.csv") + ":3");
  EXPECT_NE(status.message().find("unterminated quoted field"), std::string::npos) << status.message();
}

TEST(CsvReaderTest, TextAfterClosingQuoteIsAnError) {
  auto reader = FromTextOrDie("a,b\n1,\"x\"y\n");
  const Status status = FirstError(*reader);
  EXPECT_EQ(status.path(), "memory.csv:2:2");
  EXPECT_NE(status.message().find("'y' after the closing quote of field 2"), std::string::npos)
      << status.message();
}

TEST(CsvReaderTest, SkipsBlankLinesButCountsThem) {
  auto reader = FromTextOrDie("a\n\n1\r\n\r\n2");
  const std::vector<std::pair<size_t, Record>> expected = {{1, {"a"}}, {3, {"1"}}, {5, {"2"}}};
  EXPECT_EQ(ReadAll(*reader), expected);
}

TEST(CsvReaderTest, EmptyFieldsAtEndOfLineAndInput) {
  auto reader = FromTextOrDie("a,b\n1,\n\"\"\n,");
  // A quoted empty field is a record, not a blank line.
  const std::vector<std::pair<size_t, Record>> expected = {
      {1, {"a", "b"}}, {2, {"1", ""}}, {3, {""}}, {4, {"", ""}}};
  EXPECT_EQ(ReadAll(*reader), expected);
}

// Records are cut by buffer refills at every possible offset: the same rows
// are read behind headers of 32 different lengths (longer than any row), and
// the text spans more than one read chunk, so a refill lands on every byte
// of a row (a quote pair, a CR before its LF, an embedded newline).
TEST(CsvReaderTest, RecordsAcrossReadChunksAtEveryOffset) {
  constexpr int kRows = 120000;
  std::string rows;
  for (int i = 0; i < kRows; ++i) {
    rows += std::to_string(i) + ",\"a\"\"" + std::to_string(i) + "\"," + (i % 7 == 0 ? "\"l1\nl2\"" : "p") +
            "\r\n";
  }
  ASSERT_GT(rows.size(), size_t{2} << 20);
  for (int padding = 0; padding < 32; ++padding) {
    const std::string text = "id" + std::string(padding, 'x') + ",quoted,tail\r\n" + rows;
    auto reader = FromTextOrDie(text);
    std::vector<std::string_view> fields;
    ASSERT_TRUE(*reader->Next(&fields));
    size_t expected_line = 2;
    for (int i = 0; i < kRows; ++i) {
      ASSERT_TRUE(*reader->Next(&fields)) << "padding " << padding << " row " << i;
      ASSERT_EQ(fields.size(), 3u);
      ASSERT_EQ(fields[0], std::to_string(i)) << "padding " << padding;
      ASSERT_EQ(fields[1], "a\"" + std::to_string(i)) << "padding " << padding;
      ASSERT_EQ(fields[2], i % 7 == 0 ? "l1\nl2" : "p") << "padding " << padding;
      ASSERT_EQ(reader->line(), expected_line) << "padding " << padding << " row " << i;
      expected_line += i % 7 == 0 ? 2 : 1;
    }
    ASSERT_FALSE(*reader->Next(&fields));
  }
}

TEST(CsvReaderTest, FieldLongerThanManyChunks) {
  // 3000 blocks of 1000 'x', a doubled quote and a newline: about 3 MB quoted.
  std::string raw, expected;
  for (int i = 0; i < 3000; ++i) {
    raw += std::string(1000, 'x') + "\"\"\n";
    expected += std::string(1000, 'x') + "\"\n";
  }
  const std::string text = "big,after\n\"" + raw + "\",1\nend,2\n";
  auto reader = FromTextOrDie(text);
  const auto records = ReadAll(*reader);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].second[0], expected);
  EXPECT_EQ(records[1].second[1], "1");
  // The big record starts on line 2 and holds 3000 newlines.
  EXPECT_EQ(records[2].first, 2u + 3000u + 1u);
  EXPECT_EQ(records[2].second, (Record{"end", "2"}));
}

TEST(CsvReaderTest, MissingFileIsNotFound) {
  const Result<std::unique_ptr<CsvReader>> reader = CsvReader::Open(Fixture("no_such_file.csv"));
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(reader.status().path(), Fixture("no_such_file.csv"));
}

TEST(CsvReaderTest, ReadsGzipByContent) {
  // Made with `gzip -n` from the four lines below.
  auto reader = OpenOrDie(Fixture("gzip_compressed.csv.gz"));
  const std::vector<std::pair<size_t, Record>> expected = {{1, {"region", "balance_fen"}},
                                                           {2, {"north", "120050"}},
                                                           {3, {"south", "99"}},
                                                           {4, {"east, coastal", "0"}}};
  EXPECT_EQ(ReadAll(*reader), expected);
}

TEST(CsvReaderTest, TruncatedGzipIsAnIoError) {
  const std::string path = ScratchPath("truncated.csv.gz");
  {
    auto writer = std::move(CsvWriter::Open(path)).value();
    for (int i = 0; i < 20000; ++i)
      ASSERT_TRUE(writer->WriteRow(std::vector<std::string>{std::to_string(i)}).ok());
    ASSERT_TRUE(writer->Close().ok());
  }
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  // The first chunk is read on opening, so the error may come from Open() or Next().
  Result<std::unique_ptr<CsvReader>> reader = CsvReader::Open(path);
  const Status status = reader.ok() ? FirstError(**reader) : reader.status();
  EXPECT_EQ(status.code(), ErrorCode::kIo) << status.ToString();
  EXPECT_EQ(status.path(), path);
  EXPECT_NE(status.message().find("truncated"), std::string::npos) << status.message();
  std::filesystem::remove(path);
}

TEST(CsvWriterTest, QuotesOnlyWhatNeedsQuoting) {
  const std::string path = ScratchPath("minimal.csv");
  auto writer = std::move(CsvWriter::Open(path)).value();
  ASSERT_TRUE(
      writer->WriteRow(std::vector<std::string_view>{"plain", "a,b", "say \"hi\"", "two\nlines", ""}).ok());
  ASSERT_TRUE(writer->WriteRow(std::vector<std::string>{""}).ok());
  ASSERT_TRUE(writer->WriteRow(std::vector<std::string>{"cr\r", " spaced "}).ok());
  ASSERT_TRUE(writer->Close().ok());
  EXPECT_EQ(FileBytes(path),
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\n"
            "\"\"\n"
            "\"cr\r\", spaced \n");
  std::filesystem::remove(path);
}

TEST(CsvWriterTest, SemicolonWriterQuotesSemicolonsNotCommas) {
  const std::string path = ScratchPath("semicolon.csv");
  auto writer = std::move(CsvWriter::Open(path, ';')).value();
  ASSERT_TRUE(writer->WriteRow(std::vector<std::string>{"1,5", "a;b"}).ok());
  ASSERT_TRUE(writer->Close().ok());
  EXPECT_EQ(FileBytes(path), "1,5;\"a;b\"\n");
  std::filesystem::remove(path);
}

TEST(CsvWriterTest, GzipPathsAreCompressedAndReadBack) {
  const std::string path = ScratchPath("round_trip.csv.gz");
  const std::vector<Record> rows = {{"name", "note"}, {"a,b", "x\"y"}, {"multi\nline", ""}, {"plain", "z"}};
  auto writer = std::move(CsvWriter::Open(path)).value();
  for (const Record& row : rows) ASSERT_TRUE(writer->WriteRow(row).ok());
  ASSERT_TRUE(writer->Close().ok());
  EXPECT_EQ(FileBytes(path).substr(0, 2), "\x1f\x8b");  // the gzip magic number
  auto reader = OpenOrDie(path);
  std::vector<Record> read;
  for (auto& [line, record] : ReadAll(*reader)) read.push_back(record);
  EXPECT_EQ(read, rows);
  std::filesystem::remove(path);
}

TEST(CsvWriterTest, UnwritableDirectoryIsAnError) {
  EXPECT_FALSE(CsvWriter::Open("/nonexistent_dir/x.csv").ok());
}

}  // namespace
}  // namespace credo::data
