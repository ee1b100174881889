// features/feature_table.h — the batch path: applicant documents (JSONL) to
// a feature table (CSV) that `credo model train` reads directly.
//
// Documents are read in chunks and computed by worker threads, each with its
// own FeatureWorkspace; rows are written in input order, so the table does
// not depend on the thread count. A document with a data error (bad JSON, a
// bad date, a list of the wrong type...) is skipped, counted and reported
// with its line number; the rest of the batch goes on.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "features/feature_plan.h"

namespace credo::features {

// How far a build has got, for progress lines.
struct FeatureTableProgress {
  size_t documents = 0;  // read so far
  size_t total = 0;      // documents in the file, 0 when not counted
  size_t skipped = 0;
};

struct FeatureTableOptions {
  std::string documents;  // JSONL, one document per line, plain or gzip (by content)
  std::string out;        // CSV; a ".gz" path is gzip-compressed
  // Top-level document fields written before the features (ids, labels):
  // every top-level scalar field seen in the file, in order of first
  // appearance (keep_all), or exactly `keep_fields`.
  bool keep_all = true;
  std::vector<std::string> keep_fields;
  int threads = 0;  // worker threads; 0 = the hardware's
  // Called on the calling thread as chunks are written.
  std::function<void(const FeatureTableProgress&)> progress;
};

// One skipped document: its line and the data error.
struct SkippedDocument {
  size_t line = 0;
  Status reason;
};

// What a build did.
struct FeatureTableReport {
  size_t documents = 0;  // non-blank lines read
  size_t written = 0;    // rows written
  size_t skipped = 0;
  std::vector<SkippedDocument> first_skipped;                // the first 20, in line order
  std::vector<std::pair<std::string, size_t>> skip_reasons;  // error message -> documents, most first
  size_t columns = 0;                                        // kept fields + features
};

// Builds the table. The output appears only when complete (written to a
// partial file, then renamed). Fails on I/O errors, on a keep field that
// is also a feature's name, and when documents were read but none could be
// computed.
Result<FeatureTableReport> BuildFeatureTable(const FeaturePlan& plan, const FeatureTableOptions& options);

}  // namespace credo::features
