// decision/registry.h — the strategies a server decides with: a directory of
// named JDM graphs, each with numbered versions and one active version.
//
// Layout of the directory DIR:
//   DIR/NAME.json        a seed: version 1 of NAME when DIR/NAME/ holds no v1.json
//   DIR/NAME/vN.json     version N of NAME
//   DIR/NAME/ACTIVE      the active version number; when absent, the highest version
// JSON files without a top-level "nodes" member (model artifacts kept beside
// the strategies) and folders without versions are not strategies and are
// left alone. Model paths and sub-graph keys inside a graph resolve against
// DIR; a decisionNode's key names another strategy ("limits" or
// "limits.json") and binds that strategy's version active at compile time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "decision/graph.h"

namespace credo::decision {

// One version of a strategy, compiled and immutable. Whoever holds the
// shared_ptr keeps evaluating this version even after another is activated.
struct StrategyVersion {
  std::string name;
  int version = 0;
  std::shared_ptr<const DecisionGraph> graph;
  int64_t created_at_ms = 0;  // when its file was written (UTC ms)
};

// What List() says of one strategy.
struct StrategySummary {
  std::string name;
  int active_version = 0;
  std::vector<int> versions;  // ascending
};

// The named, versioned strategies of one directory.
//
// Thread-safe: Active, Get and List may run from any number of threads while
// Upload and Activate change the registry; an activation is atomic (a
// request sees the old version or the new one, never a mix), and the ACTIVE
// file is replaced by rename so a crash leaves the old or the new choice.
// Only one process should change a given directory at a time.
class StrategyRegistry {
 public:
  // Loads and compiles every version of every strategy in `dir`. Fails,
  // naming the file (and the node and cell for a compile error), when any
  // strategy file or ACTIVE file is broken.
  // `velocity`, when given, is where `features` nodes read velocity counts;
  // it must outlive the registry.
  static Result<std::unique_ptr<StrategyRegistry>> Open(const std::string& dir,
                                                        features::VelocityStore* velocity = nullptr);

  ~StrategyRegistry();
  StrategyRegistry(const StrategyRegistry&) = delete;
  StrategyRegistry& operator=(const StrategyRegistry&) = delete;

  // The version of `name` that new decisions use; kNotFound for an unknown name.
  Result<std::shared_ptr<const StrategyVersion>> Active(std::string_view name) const;
  // A given version of `name` (for replay); kNotFound when it does not exist.
  Result<std::shared_ptr<const StrategyVersion>> Get(std::string_view name, int version) const;
  // Every strategy, by name.
  std::vector<StrategySummary> List() const;

  // Validates `jdm_text` (parse and compile) and only then stores it as the
  // next version of `name`, returning its number. The active version does not
  // change, except that a strategy's first version becomes its active one.
  // kInvalidInput for a bad name or graph; nothing is written then.
  Result<int> Upload(const std::string& name, std::string_view jdm_text);
  // Makes `version` of `name` the active one (also to roll back); kNotFound
  // when the strategy or version does not exist.
  Status Activate(const std::string& name, int version);

  const std::string& dir() const { return dir_; }

 private:
  // Every compiled version of one strategy and the one in use.
  struct Strategy {
    std::map<int, std::shared_ptr<const StrategyVersion>> versions;
    std::shared_ptr<const StrategyVersion> active;
  };
  class Loader;
  StrategyRegistry(std::string dir, features::VelocityStore* velocity);
  GraphResolver Resolver(const std::string& compiling) const;

  const std::string dir_;
  features::VelocityStore* const velocity_;
  std::mutex change_mutex_;  // serialises Upload and Activate (files and version numbers)
  mutable std::shared_mutex strategies_mutex_;
  std::map<std::string, Strategy, std::less<>> strategies_;
};

// Whether `name` may name a strategy: 1 to 64 of [a-z0-9_-].
bool IsStrategyName(std::string_view name);

}  // namespace credo::decision
