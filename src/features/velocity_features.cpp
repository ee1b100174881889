#include "features/velocity_features.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <limits>
#include <unordered_set>

#include "features/velocity_events.h"

namespace credo::features {

namespace {

constexpr std::string_view kPrefix = "velocity.";
constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kDayMs = 86'400'000;

}  // namespace

bool IsVelocityFeatureName(std::string_view name) { return name.starts_with(kPrefix); }

Result<int64_t> ParseVelocityWindow(std::string_view text) {
  int64_t amount = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), amount);
  const std::string_view unit(end, text.data() + text.size() - end);
  const int64_t unit_ms = unit == "min" ? kMinuteMs : unit == "h" ? kHourMs : unit == "d" ? kDayMs : 0;
  if (error != std::errc() || end == text.data() || text[0] == '+' || unit_ms == 0) {
    return Status::Invalid("window '" + std::string(text) +
                           "' is not a whole number of minutes, hours or days such as 10min, 24h or 30d");
  }
  if (amount <= 0 || amount > kVelocityEndOfTimeMs / unit_ms) {
    return Status::Invalid("window '" + std::string(text) +
                           "' must be positive and shorter than 10000 years");
  }
  return amount * unit_ms;
}

std::string FormatVelocityWindow(int64_t window_ms) {
  if (window_ms > 0 && window_ms % kDayMs == 0) return std::to_string(window_ms / kDayMs) + "d";
  if (window_ms > 0 && window_ms % kHourMs == 0) return std::to_string(window_ms / kHourMs) + "h";
  if (window_ms > 0 && window_ms % kMinuteMs == 0) return std::to_string(window_ms / kMinuteMs) + "min";
  return std::to_string(window_ms) + "ms";
}

Result<VelocityFeature> ParseVelocityFeatureName(std::string_view name) {
  const std::string path(name);
  const auto invalid = [&](const std::string& why) {
    return Status::Invalid(why + "; velocity features are named velocity.<entity>.<event>.<window>, e.g. " +
                               "velocity.device_id.application.24h",
                           path);
  };
  if (!IsVelocityFeatureName(name)) return invalid("does not start with 'velocity.'");
  std::vector<std::string_view> parts;
  for (std::string_view rest = name.substr(kPrefix.size());;) {
    const size_t dot = rest.find('.');
    parts.push_back(rest.substr(0, dot));
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  if (parts.size() != 3)
    return invalid("has " + std::to_string(parts.size()) + " parts after 'velocity.', not 3");
  if (!IsVelocityName(parts[0]))
    return invalid("entity '" + std::string(parts[0]) + "' is not letters, digits and '_'");
  if (!IsVelocityName(parts[1]))
    return invalid("event '" + std::string(parts[1]) + "' is not letters, digits and '_'");
  Result<int64_t> window = ParseVelocityWindow(parts[2]);
  if (!window.ok()) return invalid(window.status().message());
  return VelocityFeature{path, std::string(parts[0]), std::string(parts[1]), *window};
}

Result<VelocityFeatureReader> VelocityFeatureReader::Create(std::span<const std::string> names) {
  VelocityFeatureReader reader;
  std::unordered_set<std::string_view> seen;
  for (const std::string& name : names) {
    if (!seen.insert(name).second) return Status::Invalid("velocity feature named twice", name);
    CREDO_ASSIGN_OR_RETURN(VelocityFeature feature, ParseVelocityFeatureName(name));
    const auto known = std::find(reader.entities_.begin(), reader.entities_.end(), feature.entity);
    reader.entity_of_feature_.push_back(known - reader.entities_.begin());
    if (known == reader.entities_.end()) reader.entities_.push_back(feature.entity);
    reader.features_.push_back(std::move(feature));
  }
  return reader;
}

int64_t VelocityFeatureReader::longest_window_ms() const {
  int64_t longest = 0;
  for (const VelocityFeature& feature : features_) longest = std::max(longest, feature.window_ms);
  return longest;
}

Status VelocityFeatureReader::Read(VelocityStore& store,
                                   std::span<const std::optional<std::string>> entity_values, int64_t now_ms,
                                   std::span<double> values) const {
  assert(entity_values.size() == entities_.size() && values.size() == features_.size());
  std::vector<CountQuery> queries;
  std::vector<size_t> query_feature;
  queries.reserve(features_.size());
  query_feature.reserve(features_.size());
  for (size_t i = 0; i < features_.size(); ++i) {
    const std::optional<std::string>& entity_value = entity_values[entity_of_feature_[i]];
    if (!entity_value) {
      values[i] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    queries.push_back({{features_[i].entity, *entity_value, features_[i].event}, features_[i].window_ms});
    query_feature.push_back(i);
  }
  for (const VelocityFeature& feature : features_) {
    if (feature.window_ms > store.retention_ms()) {
      return Status::Invalid("the window is longer than the velocity store keeps events (" +
                                 FormatVelocityWindow(store.retention_ms()) + ")",
                             feature.name);
    }
  }
  std::vector<int64_t> counts(queries.size());
  CREDO_RETURN_IF_ERROR(store.CountMany(queries, now_ms, counts));
  for (size_t q = 0; q < queries.size(); ++q) values[query_feature[q]] = static_cast<double>(counts[q]);
  return Status::Ok();
}

Status VelocityFeatureReader::Read(VelocityStore& store, const expr::Value& document, int64_t now_ms,
                                   std::span<double> values) const {
  if (!document.is_object()) {
    return Status::Invalid(std::string("the document must be a JSON object, not ") + document.TypeName());
  }
  std::vector<std::optional<std::string>> entity_values;
  entity_values.reserve(entities_.size());
  for (const std::string& entity : entities_) {
    const expr::Value* field = document.Find(entity);
    entity_values.push_back(field != nullptr ? EntityValueText(*field) : std::nullopt);
  }
  return Read(store, entity_values, now_ms, values);
}

}  // namespace credo::features
