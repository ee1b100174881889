// features/velocity_features.h — velocity features read from a VelocityStore.
//
// `velocity.<entity>.<event>.<window>`, e.g. velocity.device_id.application.24h:
// how many `event`s the document's entity had in [now - window, now], where
// the entity value is the document's top-level field named <entity> (a
// non-empty string or an integer; see EntityValueText) and `now` is the
// decision time. A document without a value for the entity gives a missing
// value (NaN), not 0: nothing can be counted for an unknown device. Windows
// are a positive whole number of minutes, hours or days: 10min, 1h, 24h, 7d, 30d.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "expr/value.h"
#include "features/velocity_store.h"

namespace credo::features {

// One velocity feature, its name taken apart.
struct VelocityFeature {
  std::string name;       // "velocity.device_id.application.24h"
  std::string entity;     // "device_id": the entity kind, and the document field with its value
  std::string event;      // "application"
  int64_t window_ms = 0;  // 86'400'000
};

// Whether `name` is in the velocity namespace (starts with "velocity.").
bool IsVelocityFeatureName(std::string_view name);

// Takes a velocity feature name apart; the error says which part is wrong.
Result<VelocityFeature> ParseVelocityFeatureName(std::string_view name);

// "10min", "1h", "24h", "7d", "30d" to milliseconds.
Result<int64_t> ParseVelocityWindow(std::string_view text);

// A window as ParseVelocityWindow reads it, in the largest unit that divides
// it: 86'400'000 -> "1d", 5'400'000 -> "90min"; "<n>ms" when no unit does.
std::string FormatVelocityWindow(int64_t window_ms);

// A fixed list of velocity features, read together for one document at a time.
// Immutable after Create; any number of threads may Read at once.
class VelocityFeatureReader {
 public:
  // Fails, naming the feature, on a malformed or repeated name.
  static Result<VelocityFeatureReader> Create(std::span<const std::string> names);

  // The features, in the order of `names`.
  const std::vector<VelocityFeature>& features() const { return features_; }
  // The distinct entity kinds the features need a value for, in order of first use.
  const std::vector<std::string>& entities() const { return entities_; }
  // The longest window of any feature (0 when there are none).
  int64_t longest_window_ms() const;

  // values[i] = features()[i] counted at `now_ms`; entity_values[j] is the
  // document's value for entities()[j] (nullopt: missing, and every feature of
  // that entity is NaN). All counts come from one consistent view of the store.
  Status Read(VelocityStore& store, std::span<const std::optional<std::string>> entity_values, int64_t now_ms,
              std::span<double> values) const;
  // The same with the entity values taken from the top-level fields of
  // `document` (a JSON object as an expr::Value).
  Status Read(VelocityStore& store, const expr::Value& document, int64_t now_ms,
              std::span<double> values) const;

 private:
  std::vector<VelocityFeature> features_;
  std::vector<std::string> entities_;
  std::vector<size_t> entity_of_feature_;  // index into entities_ of each feature
};

}  // namespace credo::features
