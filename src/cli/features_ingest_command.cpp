// `credo features ingest`: velocity events (JSON Lines) into a velocity store
// (features/velocity_events.h, features/velocity_rocksdb.h). A bad line is
// reported with its line number and skipped; the rest goes on. The command
// fails only when there were lines and none of them was a valid event.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <vector>

#include "cli/progress.h"
#include "cli/subcommands.h"
#include "features/velocity_events.h"
#include "features/velocity_features.h"
#include "features/velocity_rocksdb.h"

namespace credo::cli {
namespace {

constexpr size_t kBatchEvents = 1000;
constexpr int64_t kBadLinesShown = 20;

// What an ingest run did, for the progress line and the summary.
struct IngestCounts {
  int64_t lines = 0;
  int64_t recorded = 0;
  int64_t duplicates = 0;
  int64_t bad = 0;

  std::string Describe() const {
    return std::to_string(recorded) + " events recorded, " + std::to_string(duplicates) +
           " duplicates skipped (event_id seen before), " + std::to_string(bad) + " bad lines";
  }
};

Status Ingest(features::VelocityStore& store, std::istream& in, const std::string& source, Progress& progress,
              IngestCounts& counts) {
  std::vector<features::VelocityEvent> batch;
  batch.reserve(kBatchEvents);
  auto flush = [&]() -> Status {
    Result<std::vector<features::RecordOutcome>> outcomes = store.RecordBatch(batch);
    if (!outcomes.ok()) {
      return Status(outcomes.status().code(),
                    outcomes.status().message() + " (after " + std::to_string(counts.recorded) +
                        " events were recorded)",
                    outcomes.status().path());
    }
    for (features::RecordOutcome outcome : *outcomes) {
      ++(outcome == features::RecordOutcome::kRecorded ? counts.recorded : counts.duplicates);
    }
    batch.clear();
    progress.Update(std::to_string(counts.lines) + " lines: " + counts.Describe());
    return Status::Ok();
  };
  std::string line;
  while (std::getline(in, line)) {
    ++counts.lines;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    Result<features::VelocityEvent> event = features::ParseVelocityEvent(line);
    if (!event.ok()) {
      if (++counts.bad <= kBadLinesShown) {
        progress.Say(source + ":" + std::to_string(counts.lines) + ": " + event.status().ToString());
      }
      continue;
    }
    batch.push_back(std::move(event).value());
    if (batch.size() == kBatchEvents) CREDO_RETURN_IF_ERROR(flush());
  }
  if (in.bad()) return Status::Io("read failed after line " + std::to_string(counts.lines), source);
  if (!batch.empty()) CREDO_RETURN_IF_ERROR(flush());
  return Status::Ok();
}

}  // namespace

void AddFeaturesIngestCommand(CLI::App& features, Action* action) {
  struct Flags {
    std::string store;
    std::string events;
    std::string retention;
    bool sync = false;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* ingest = features.add_subcommand(
      "ingest",
      "Record velocity events (JSON Lines) in a velocity store, for velocity.<entity>.<event>.<window>");
  ingest->add_option("--store", flags->store, "The velocity store directory (created when absent)")
      ->required();
  ingest
      ->add_option("--events", flags->events,
                   "Events, one JSON object a line: {\"entity\": {\"device_id\": \"D1\"}, \"event\": "
                   "\"application\", \"time\": \"2025-08-19T16:55:02Z\", \"event_id\": \"...\"} (- = stdin)")
      ->required();
  ingest->add_option("--retention", flags->retention,
                     "How long the store keeps events, the longest window it can count (e.g. 90d); "
                     "default: the store's setting, 90d for a new store");
  ingest->add_flag("--sync", flags->sync, "fsync every batch (survives a power cut; slower)");
  ingest->callback([=] {
    *action = [=]() -> Status {
      features::RocksDbVelocityOptions options;
      options.sync = flags->sync;
      if (!flags->retention.empty()) {
        Result<int64_t> retention = features::ParseVelocityWindow(flags->retention);
        if (!retention.ok()) return Status::Usage("--retention: " + retention.status().message());
        options.retention_ms = *retention;
      }
      std::ifstream file;
      if (flags->events != "-") {
        file.open(flags->events);
        if (!file) return Status::NotFound("cannot open the events file", flags->events);
      }
      CREDO_ASSIGN_OR_RETURN(auto store, features::RocksDbVelocityStore::Open(flags->store, options));
      Progress progress;
      IngestCounts counts;
      const std::string source = flags->events == "-" ? "stdin" : flags->events;
      CREDO_RETURN_IF_ERROR(Ingest(*store, flags->events == "-" ? std::cin : file, source, progress, counts));
      progress.Done();
      if (counts.bad > kBadLinesShown) {
        progress.Say("... and " + std::to_string(counts.bad - kBadLinesShown) + " more bad lines");
      }
      std::cout << source << ": " << counts.lines << " lines: " << counts.Describe() << " into "
                << flags->store << " (retention " << features::FormatVelocityWindow(store->retention_ms())
                << ")\n";
      if (counts.bad > 0 && counts.recorded + counts.duplicates == 0) {
        return Status::Invalid("no line is a valid event", source);
      }
      return Status::Ok();
    };
  });
}

}  // namespace credo::cli
