// TextWriter: plain and gzip files, the atomic mode's rename on Close() and
// clean-up without it.
#include "data/text_writer.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>

#include "test_files.h"

namespace credo::data {
namespace {

// The file's bytes, decompressed when it is gzip.
std::string ReadText(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  EXPECT_NE(file, nullptr) << path;
  std::string text;
  char buffer[65536];
  int n;
  while ((n = gzread(file, buffer, sizeof buffer)) > 0) text.append(buffer, n);
  gzclose(file);
  return text;
}

std::string FirstBytes(const std::string& path, size_t count) {
  std::string bytes(count, '\0');
  FILE* file = std::fopen(path.c_str(), "rb");
  bytes.resize(std::fread(bytes.data(), 1, count, file));
  std::fclose(file);
  return bytes;
}

TEST(TextWriterTest, WritesPlainAndGzipFiles) {
  // More than one 1 MiB block, in pieces small and large.
  std::string text;
  for (int i = 0; i < 200000; ++i) text += "line " + std::to_string(i) + "\n";
  for (const std::string name : {"plain.txt", "packed.txt.gz"}) {
    const std::string path = ScratchPath(name);
    auto writer = std::move(TextWriter::Open(path)).value();
    ASSERT_TRUE(writer->Write(std::string_view(text).substr(0, 10)).ok());
    ASSERT_TRUE(writer->Write(std::string_view(text).substr(10)).ok());
    ASSERT_TRUE(writer->Close().ok());
    EXPECT_EQ(ReadText(path), text) << name;
    EXPECT_EQ(FirstBytes(path, 2) == "\x1f\x8b", name.ends_with(".gz")) << name;  // the gzip magic number
    EXPECT_FALSE(writer->Write("more").ok());
    std::filesystem::remove(path);
  }
}

TEST(TextWriterTest, AtomicFileAppearsOnlyOnClose) {
  const std::string path = ScratchPath("atomic.jsonl.gz");
  {
    auto writer = std::move(TextWriter::Open(path, /*atomic=*/true)).value();
    ASSERT_TRUE(writer->Write("{}\n").ok());
    EXPECT_FALSE(std::filesystem::exists(path));
    EXPECT_TRUE(std::filesystem::exists(path + ".partial"));
    ASSERT_TRUE(writer->Close().ok());
  }
  EXPECT_EQ(ReadText(path), "{}\n");
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
  std::filesystem::remove(path);
}

TEST(TextWriterTest, AbandonedAtomicFileIsRemoved) {
  const std::string path = ScratchPath("abandoned.jsonl");
  {
    auto writer = std::move(TextWriter::Open(path, /*atomic=*/true)).value();
    ASSERT_TRUE(writer->Write("half").ok());
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
}

TEST(TextWriterTest, UnwritableDirectoryIsAnError) {
  const Result<std::unique_ptr<TextWriter>> writer = TextWriter::Open("/nonexistent_dir/x.jsonl", true);
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace credo::data
