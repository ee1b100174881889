// data/csv.h — streaming CSV/TSV records in and out.
//
// CsvReader hands out one record at a time from a file of any size, plain or
// gzip-compressed, with RFC 4180 quoting; it knows the line each record
// started on so that callers can name it in errors. CsvWriter writes records
// with minimal quoting, compressing when the path ends in ".gz".
// Neither is thread-safe; use one per thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace credo::data {

// Reads records from a delimited text file: '\n' or "\r\n" line ends, a
// UTF-8 BOM skipped, blank lines skipped (but counted in line numbers).
// Fields are views into the reader's buffer, so reading allocates nothing per
// field; the buffer grows only for a record longer than a read chunk (1 MiB).
class CsvReader {
 public:
  // Opens `path`, plain or gzip (told by content); `delimiter` 0 detects
  // ',', ';' or '\t' as the most frequent outside quotes on the first line.
  static Result<std::unique_ptr<CsvReader>> Open(const std::string& path, char delimiter = 0);
  // Reads from text in memory, which must outlive the reader; `source` names
  // it in errors.
  static Result<std::unique_ptr<CsvReader>> FromText(std::string_view text, const std::string& source,
                                                     char delimiter = 0);
  ~CsvReader();

  // Reads the next record into `fields` (views valid until the next call).
  // Returns false at the end of input. An unterminated quote (naming the
  // line it opens on), text after a closing quote, and a failed or truncated
  // read are errors.
  Result<bool> Next(std::vector<std::string_view>* fields);

  // 1-based line on which the last record returned started.
  size_t line() const;
  char delimiter() const;
  const std::string& source() const;

  class Impl;

 private:
  explicit CsvReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Writes records to a file; ".gz" paths are gzip-compressed.
class CsvWriter {
 public:
  static Result<std::unique_ptr<CsvWriter>> Open(const std::string& path, char delimiter = ',');
  ~CsvWriter();

  // Writes one record ending in '\n', quoting fields that contain the
  // delimiter, quotes or line breaks (and a record of one empty field, so
  // that it is not a blank line).
  Status WriteRow(const std::vector<std::string_view>& fields);
  Status WriteRow(const std::vector<std::string>& fields);
  // Flushes and closes; errors from the final write are reported here.
  Status Close();

  class Impl;

 private:
  explicit CsvWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace credo::data
