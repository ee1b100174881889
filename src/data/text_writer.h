// data/text_writer.h — a streaming writer of text files, plain or gzip.
//
// TextWriter buffers what it is given and hands it to zlib a large block at
// a time; paths ending in ".gz" are gzip-compressed (level 6), others are
// written as they are. It is the file layer under CsvWriter and the JSON
// Lines writers. Not thread-safe; one per file.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace credo::data {

class TextWriter {
 public:
  // Opens `path` for writing. With `atomic`, the text goes to
  // "<path>.partial" and is renamed to `path` by a successful Close(), so a
  // failed run never leaves a half-written file at `path` (a writer
  // destroyed without Close() removes the partial file).
  static Result<std::unique_ptr<TextWriter>> Open(const std::string& path, bool atomic = false);
  ~TextWriter();

  // Appends `text` to the file.
  Status Write(std::string_view text);
  // Flushes and closes (and renames, when atomic); errors from the final
  // write are reported here. Writing after Close() is an error.
  Status Close();

  // The path the text ends up at.
  const std::string& path() const;

  class Impl;

 private:
  explicit TextWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace credo::data
