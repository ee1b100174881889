#include "decision/registry.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace credo::decision {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::string_view kJsonSuffix = ".json";
constexpr const char* kActiveFile = "ACTIVE";

// "limits.json" and "limits" both name the strategy "limits".
std::string_view WithoutJsonSuffix(std::string_view key) {
  if (key.size() > kJsonSuffix.size() && key.ends_with(kJsonSuffix)) key.remove_suffix(kJsonSuffix.size());
  return key;
}

// The version number of a file named "vN.json", or 0.
int VersionOfFileName(std::string_view file_name) {
  if (!file_name.starts_with('v') || !file_name.ends_with(kJsonSuffix)) return 0;
  const std::string_view digits = file_name.substr(1, file_name.size() - 1 - kJsonSuffix.size());
  if (digits.empty() || digits[0] == '0') return 0;
  int version = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), version);
  return error == std::errc() && end == digits.data() + digits.size() ? version : 0;
}

std::string VersionFileName(int version) { return "v" + std::to_string(version) + ".json"; }

Result<std::string> ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open '" + path.string() + "'");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Parses a strategy document; the error names `source` and the position.
Result<json> ParseJdm(std::string_view text, const std::string& source) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    return Status::Invalid(source + ": not valid JSON (" + e.what() + ")");
  }
}

// A JDM graph is an object with a "nodes" member; other JSON files in the
// directory (model artifacts) are not strategies.
bool IsJdm(const json& document) { return document.is_object() && document.contains("nodes"); }

int64_t ModifiedAtMs(const fs::path& path) {
  std::error_code error;
  const auto modified = fs::last_write_time(path, error);
  if (error) return 0;
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::file_clock::to_sys(modified).time_since_epoch())
      .count();
}

Status ErrnoStatus(const std::string& what, const fs::path& path) {
  return Status::Io(what + " '" + path.string() + "': " + std::strerror(errno));
}

// Writes `content` to `path` so that a reader (or a crash) sees the old file
// or the new one, never a part: a temporary file, fsync, rename, fsync of
// the folder.
Status WriteFileAtomically(const fs::path& path, std::string_view content) {
  const fs::path temporary = path.string() + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("cannot create", temporary);
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const Status status = ErrnoStatus("cannot write", temporary);
      ::close(fd);
      ::unlink(temporary.c_str());
      return status;
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const Status status = ErrnoStatus("cannot flush", temporary);
    ::unlink(temporary.c_str());
    return status;
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const Status status = ErrnoStatus("cannot rename into", path);
    ::unlink(temporary.c_str());
    return status;
  }
  const int dir_fd = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Status::Ok();
}

Result<int> ReadActiveFile(const fs::path& path) {
  CREDO_ASSIGN_OR_RETURN(std::string text, ReadText(path));
  const size_t end = text.find_last_not_of(" \t\r\n");
  text.resize(end == std::string::npos ? 0 : end + 1);
  int version = 0;
  const auto [last, error] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (text.empty() || error != std::errc() || last != text.data() + text.size() || version < 1) {
    return Status::Invalid(path.string() + ": '" + text + "' is not a version number");
  }
  return version;
}

}  // namespace

bool IsStrategyName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// Compiles the strategies found in the directory at Open, each strategy
// before the ones that use it as a sub-graph, refusing cycles.
class StrategyRegistry::Loader {
 public:
  // Where one strategy's versions are and which is active.
  struct Files {
    std::map<int, fs::path> paths;
    int active_version = 0;
  };

  Loader(std::string dir, std::map<std::string, Files> files, features::VelocityStore* velocity)
      : dir_(std::move(dir)), files_(std::move(files)), velocity_(velocity) {}

  Result<std::map<std::string, Strategy, std::less<>>> LoadAll() {
    for (const auto& [name, files] : files_) CREDO_RETURN_IF_ERROR(Load(name).status());
    return std::move(loaded_);
  }

 private:
  Result<std::shared_ptr<const StrategyVersion>> Load(const std::string& name) {
    if (auto done = loaded_.find(name); done != loaded_.end()) return done->second.active;
    const auto files = files_.find(name);
    if (files == files_.end()) return Status::NotFound("no strategy '" + name + "' in " + dir_);
    if (std::find(loading_.begin(), loading_.end(), name) != loading_.end()) {
      std::string cycle;
      for (const std::string& step : loading_) cycle += step + " -> ";
      return Status::Invalid("sub-graph cycle: " + cycle + name);
    }
    loading_.push_back(name);
    Strategy strategy;
    for (const auto& [version, path] : files->second.paths) {
      auto compiled = CompileFile(name, version, path);
      if (!compiled.ok()) {
        loading_.pop_back();
        return compiled.status();
      }
      strategy.versions[version] = std::move(compiled).value();
    }
    loading_.pop_back();
    strategy.active = strategy.versions.at(files->second.active_version);
    return loaded_.emplace(name, std::move(strategy)).first->second.active;
  }

  Result<std::shared_ptr<const StrategyVersion>> CompileFile(const std::string& name, int version,
                                                             const fs::path& path) {
    CREDO_ASSIGN_OR_RETURN(std::string text, ReadText(path));
    CREDO_ASSIGN_OR_RETURN(json jdm, ParseJdm(text, path.string()));
    if (!IsJdm(jdm)) return Status::Invalid(path.string() + ": not a JDM graph (no \"nodes\")");
    GraphResolver resolver;
    resolver.base_dir = dir_;
    resolver.velocity = velocity_;
    resolver.load_subgraph = [this](const std::string& key) -> Result<std::shared_ptr<const DecisionGraph>> {
      CREDO_ASSIGN_OR_RETURN(auto sub, Load(std::string(WithoutJsonSuffix(key))));
      return sub->graph;
    };
    auto strategy = std::make_shared<StrategyVersion>();
    strategy->name = name;
    strategy->version = version;
    CREDO_ASSIGN_OR_RETURN(strategy->graph, DecisionGraph::Compile(jdm, path.string(), resolver));
    strategy->created_at_ms = ModifiedAtMs(path);
    return std::shared_ptr<const StrategyVersion>(std::move(strategy));
  }

  const std::string dir_;
  const std::map<std::string, Files> files_;
  features::VelocityStore* const velocity_;
  std::map<std::string, Strategy, std::less<>> loaded_;
  std::vector<std::string> loading_;  // the chain of strategies being compiled
};

StrategyRegistry::StrategyRegistry(std::string dir, features::VelocityStore* velocity)
    : dir_(std::move(dir)), velocity_(velocity) {}
StrategyRegistry::~StrategyRegistry() = default;

Result<std::unique_ptr<StrategyRegistry>> StrategyRegistry::Open(const std::string& dir,
                                                                 features::VelocityStore* velocity) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) return Status::NotFound("no strategy directory '" + dir + "'");
  std::map<std::string, Loader::Files> found;
  std::vector<fs::directory_entry> entries(fs::directory_iterator(dir, error), fs::directory_iterator());
  if (error) return Status::Io("cannot list '" + dir + "': " + error.message());
  for (const fs::directory_entry& entry : entries) {
    const fs::path& path = entry.path();
    const std::string stem = path.stem().string();
    if (entry.is_regular_file() && path.extension() == kJsonSuffix) {
      CREDO_ASSIGN_OR_RETURN(std::string text, ReadText(path));
      CREDO_ASSIGN_OR_RETURN(json document, ParseJdm(text, path.string()));
      if (!IsJdm(document)) continue;
      if (!IsStrategyName(stem)) {
        return Status::Invalid(path.string() +
                               ": a strategy file name must be 1 to 64 of [a-z0-9_-] and .json");
      }
      found[stem].paths.emplace(1, path);  // a seed; NAME/v1.json replaces it below
    } else if (entry.is_directory()) {
      Loader::Files files;
      for (const fs::directory_entry& file : fs::directory_iterator(path, error)) {
        if (const int version = VersionOfFileName(file.path().filename().string()); version > 0) {
          files.paths[version] = file.path();
        }
      }
      const fs::path active_file = path / kActiveFile;
      if (files.paths.empty() && !fs::exists(active_file)) continue;  // not a strategy (e.g. models/)
      const std::string name = path.filename().string();
      if (!IsStrategyName(name)) {
        return Status::Invalid(path.string() + ": a strategy folder name must be 1 to 64 of [a-z0-9_-]");
      }
      if (fs::exists(active_file)) {
        CREDO_ASSIGN_OR_RETURN(files.active_version, ReadActiveFile(active_file));
      }
      for (auto& [version, file] : files.paths) found[name].paths[version] = file;
      found[name].active_version = files.active_version;
    }
  }
  for (auto& [name, files] : found) {
    if (files.active_version == 0) files.active_version = files.paths.rbegin()->first;
    if (!files.paths.contains(files.active_version)) {
      return Status::NotFound((fs::path(dir) / name / kActiveFile).string() + ": version " +
                              std::to_string(files.active_version) + " of '" + name + "' does not exist");
    }
  }
  Loader loader(dir, std::move(found), velocity);
  CREDO_ASSIGN_OR_RETURN(auto strategies, loader.LoadAll());
  std::unique_ptr<StrategyRegistry> registry(new StrategyRegistry(dir, velocity));
  registry->strategies_ = std::move(strategies);
  return registry;
}

Result<std::shared_ptr<const StrategyVersion>> StrategyRegistry::Active(std::string_view name) const {
  std::shared_lock lock(strategies_mutex_);
  const auto strategy = strategies_.find(name);
  if (strategy == strategies_.end())
    return Status::NotFound("no strategy '" + std::string(name) + "'", "strategy");
  return strategy->second.active;
}

Result<std::shared_ptr<const StrategyVersion>> StrategyRegistry::Get(std::string_view name,
                                                                     int version) const {
  std::shared_lock lock(strategies_mutex_);
  const auto strategy = strategies_.find(name);
  if (strategy == strategies_.end())
    return Status::NotFound("no strategy '" + std::string(name) + "'", "strategy");
  const auto found = strategy->second.versions.find(version);
  if (found == strategy->second.versions.end()) {
    return Status::NotFound("strategy '" + std::string(name) + "' has no version " + std::to_string(version),
                            "version");
  }
  return found->second;
}

std::vector<StrategySummary> StrategyRegistry::List() const {
  std::shared_lock lock(strategies_mutex_);
  std::vector<StrategySummary> list;
  for (const auto& [name, strategy] : strategies_) {
    StrategySummary summary{name, strategy.active->version, {}};
    for (const auto& [version, compiled] : strategy.versions) summary.versions.push_back(version);
    list.push_back(std::move(summary));
  }
  return list;
}

GraphResolver StrategyRegistry::Resolver(const std::string& compiling) const {
  GraphResolver resolver;
  resolver.base_dir = dir_;
  resolver.velocity = velocity_;
  resolver.load_subgraph =
      [this, compiling](const std::string& key) -> Result<std::shared_ptr<const DecisionGraph>> {
    const std::string name(WithoutJsonSuffix(key));
    if (name == compiling) return Status::Invalid("strategy '" + name + "' cannot use itself as a sub-graph");
    CREDO_ASSIGN_OR_RETURN(auto sub, Active(name));
    return sub->graph;
  };
  return resolver;
}

Result<int> StrategyRegistry::Upload(const std::string& name, std::string_view jdm_text) {
  if (!IsStrategyName(name)) {
    return Status::Invalid("'" + name + "' is not a strategy name (1 to 64 of [a-z0-9_-])", "name");
  }
  std::lock_guard change(change_mutex_);
  int active_version = 0;
  int version = 1;
  {
    std::shared_lock lock(strategies_mutex_);
    if (const auto strategy = strategies_.find(name); strategy != strategies_.end()) {
      active_version = strategy->second.active->version;
      version = strategy->second.versions.rbegin()->first + 1;
    }
  }
  const fs::path folder = fs::path(dir_) / name;
  const fs::path path = folder / VersionFileName(version);
  CREDO_ASSIGN_OR_RETURN(json jdm, ParseJdm(jdm_text, path.string()));
  if (!IsJdm(jdm)) return Status::Invalid(path.string() + ": not a JDM graph (no \"nodes\")", "$.nodes");
  auto strategy = std::make_shared<StrategyVersion>();
  strategy->name = name;
  strategy->version = version;
  CREDO_ASSIGN_OR_RETURN(strategy->graph, DecisionGraph::Compile(jdm, path.string(), Resolver(name)));

  std::error_code error;
  fs::create_directories(folder, error);
  if (error) return Status::Io("cannot create '" + folder.string() + "': " + error.message());
  // Pin the active version before the new file exists, since without an
  // ACTIVE file the highest version is the active one.
  if (active_version > 0) {
    CREDO_RETURN_IF_ERROR(WriteFileAtomically(folder / kActiveFile, std::to_string(active_version) + "\n"));
  }
  CREDO_RETURN_IF_ERROR(WriteFileAtomically(path, jdm_text));
  strategy->created_at_ms = ModifiedAtMs(path);

  std::unique_lock lock(strategies_mutex_);
  Strategy& stored = strategies_[name];
  stored.versions[version] = strategy;
  if (!stored.active) stored.active = strategy;
  return version;
}

Status StrategyRegistry::Activate(const std::string& name, int version) {
  std::lock_guard change(change_mutex_);
  CREDO_ASSIGN_OR_RETURN(auto chosen, Get(name, version));
  const fs::path folder = fs::path(dir_) / name;
  std::error_code error;
  fs::create_directories(folder, error);  // a strategy with only a seed has no folder yet
  if (error) return Status::Io("cannot create '" + folder.string() + "': " + error.message());
  CREDO_RETURN_IF_ERROR(WriteFileAtomically(folder / kActiveFile, std::to_string(version) + "\n"));
  std::unique_lock lock(strategies_mutex_);
  strategies_.find(name)->second.active = std::move(chosen);
  return Status::Ok();
}

}  // namespace credo::decision
