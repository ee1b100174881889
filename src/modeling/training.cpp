#include "modeling/training.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "modeling/column_roles.h"
#include "modeling/gbdt.h"
#include "modeling/logistic.h"
#include "modeling/performance_report.h"
#include "modeling/psi.h"
#include "modeling/sample_split.h"
#include "modeling/scorecard_builder.h"
#include "modeling/selection.h"

namespace credo::modeling {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string Fixed(double x, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}

void Say(const TrainingOptions& o, const std::string& line) {
  if (o.progress) o.progress(line);
}

template <class T>
std::vector<T> Gather(const std::vector<T>& values, const std::vector<size_t>& rows) {
  std::vector<T> out(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) out[i] = values[rows[i]];
  return out;
}

// The WOE of a column's values on the given rows.
std::vector<double> WoeOf(const data::Column& c, const models::VariableBins& bins,
                          const std::vector<size_t>& rows) {
  std::vector<double> woe(rows.size());
  if (c.type == data::ColumnType::kCategorical) {
    ApplyWoe(bins, Gather(c.codes, rows), c.levels, woe);
  } else {
    ApplyWoe(bins, Gather(c.numbers, rows), woe);
  }
  return woe;
}

// Row-major float matrix for XGBoost: numbers raw (NaN = missing), categories as the WOE of their bin.
std::vector<float> TreeInput(const data::Table& table, const std::vector<size_t>& features,
                             const std::vector<models::VariableBins>& bins, const std::vector<size_t>& rows) {
  const size_t n = features.size();
  std::vector<float> x(rows.size() * n);
  for (size_t j = 0; j < n; ++j) {
    const data::Column& c = table.column(features[j]);
    if (c.type == data::ColumnType::kCategorical) {
      std::vector<float> woe_of_level(c.levels.size());
      for (size_t l = 0; l < c.levels.size(); ++l) {
        woe_of_level[l] = static_cast<float>(bins[j].bins[bins[j].LocateCategory(c.levels[l])].woe);
      }
      for (size_t i = 0; i < rows.size(); ++i) {
        const int32_t code = c.codes[rows[i]];
        x[i * n + j] = code < 0 ? std::nanf("") : woe_of_level[code];
      }
    } else {
      for (size_t i = 0; i < rows.size(); ++i) x[i * n + j] = static_cast<float>(c.numbers[rows[i]]);
    }
  }
  return x;
}

// Train rows at most for a cross-validated GBDT search, and its folds.
constexpr size_t kCrossValidationMaxRows = 40000;
constexpr int kFolds = 4;

uint64_t Fingerprint(const data::Table& table) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a 64
  auto mix = [&h](const void* p, size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ULL;
  };
  for (const data::Column& c : table.columns()) {
    mix(c.name.data(), c.name.size());
    mix(c.numbers.data(), c.numbers.size() * sizeof(double));
    mix(c.codes.data(), c.codes.size() * sizeof(int32_t));
    for (const std::string& l : c.levels) mix(l.data(), l.size() + 1);
  }
  return h;
}

// What fitting one method produced.
struct MethodOutcome {
  std::string method;
  models::ModelArtifact artifact;                 // fitted to the train rows: what the metrics measure
  std::optional<models::ModelArtifact> refitted;  // the same settings fitted to every row: what is saved
  double validation_auc = 0;
  double validation_ks = 0;
  double seconds = 0;
  std::string detail;
  json model_section;                       // "scorecard" or "gbdt" part of the report
  json selection = json::array();           // variables dropped by selection
  std::map<std::string, std::string> used;  // variable -> status line for the report
};

// Everything the methods share.
struct Workbench {
  const data::Table& table;
  const TrainingOptions& options;
  const std::vector<uint8_t>& bads;
  const ColumnRoles& roles;
  const SampleSplit& split;
  const std::vector<models::VariableBins>& bins;  // per feature, fitted on the train rows
  const data::Table& train_rows;                  // table.TakeRows(split.train), made once
  const data::Table& validation_rows;             // table.TakeRows(split.validation), made once
  Clock::time_point start;

  std::vector<uint8_t> TrainBads() const { return Gather(bads, split.train); }
  std::vector<uint8_t> ValidationBads() const { return Gather(bads, split.validation); }
  std::vector<size_t> AllRows() const {
    std::vector<size_t> rows(table.num_rows());
    for (size_t r = 0; r < rows.size(); ++r) rows[r] = r;
    return rows;
  }
  double SecondsLeft() const { return options.time_budget_seconds - SecondsSince(start); }
};

Result<double> ValidationAuc(const Workbench& w, const models::ModelArtifact& artifact, double* ks) {
  CREDO_ASSIGN_OR_RETURN(std::vector<double> p, artifact.PredictTable(w.validation_rows));
  CREDO_ASSIGN_OR_RETURN(json m, HeadlineMetrics(p, w.ValidationBads()));
  *ks = m["ks"].get<double>();
  return m["auc"].get<double>();
}

// Fits a logistic model on the WOE of `features` (positions into w.roles.features) over `rows`.
Result<models::Scorecard> FitScorecardOn(const Workbench& w, const std::vector<size_t>& features,
                                         const std::vector<models::VariableBins>& bins,
                                         const std::vector<size_t>& rows, LogisticFit* fit_out) {
  std::vector<std::vector<double>> woe;
  std::vector<std::span<const double>> columns;
  std::vector<std::string> names;
  std::vector<models::VariableBins> kept_bins;
  for (size_t f : features) {
    woe.push_back(WoeOf(w.table.column(w.roles.features[f]), bins[f], rows));
    names.push_back(bins[f].variable);
    kept_bins.push_back(bins[f]);
  }
  columns.reserve(woe.size());
  for (const auto& col : woe) columns.emplace_back(col);
  LogisticOptions lo = w.options.selection.stepwise.logistic;
  lo.column_names = names;
  CREDO_ASSIGN_OR_RETURN(LogisticFit fit, FitLogistic(columns, Gather(w.bads, rows), lo));
  CREDO_ASSIGN_OR_RETURN(models::Scorecard card,
                         BuildScorecard(std::move(kept_bins), fit, w.options.scaling));
  *fit_out = std::move(fit);
  return card;
}

Result<MethodOutcome> TryScorecard(const Workbench& w) {
  const Clock::time_point t0 = Clock::now();
  Say(w.options, "scorecard: selecting variables (IV, correlation, VIF, stepwise, coefficient signs)");
  const std::vector<uint8_t> train_bads = w.TrainBads();
  std::vector<std::vector<double>> woe(w.roles.features.size());
  std::vector<Candidate> candidates;
  for (size_t f = 0; f < w.roles.features.size(); ++f) {
    woe[f] = WoeOf(w.table.column(w.roles.features[f]), w.bins[f], w.split.train);
    candidates.push_back({w.bins[f].variable, w.bins[f].iv, woe[f]});
  }
  CREDO_ASSIGN_OR_RETURN(SelectedModel selected,
                         SelectVariables(std::move(candidates), train_bads, w.options.selection));
  if (selected.selection.kept.empty()) {
    return Status::Invalid("no variable survived selection for the scorecard (IV threshold " +
                           Fixed(w.options.selection.min_iv, 3) + ")");
  }
  std::vector<size_t> kept;
  for (const Candidate& c : selected.selection.kept) {
    for (size_t f = 0; f < w.bins.size(); ++f) {
      if (w.bins[f].variable == c.variable) kept.push_back(f);
    }
  }
  LogisticFit fit;
  CREDO_ASSIGN_OR_RETURN(models::Scorecard card, FitScorecardOn(w, kept, w.bins, w.split.train, &fit));

  MethodOutcome out;
  out.method = "scorecard";
  out.artifact = models::ModelArtifact::FromScorecard(card);
  CREDO_ASSIGN_OR_RETURN(out.validation_auc, ValidationAuc(w, out.artifact, &out.validation_ks));

  for (const auto& ch : card.characteristics) out.used[ch.bins.variable] = "in the scorecard";
  for (const DroppedVariable& d : selected.selection.dropped) {
    out.selection.push_back({{"variable", d.variable}, {"step", d.step}, {"reason", d.reason}});
    out.used.emplace(d.variable, "dropped (" + d.step + ")");
  }
  out.detail = std::to_string(card.characteristics.size()) + " characteristics";

  // Same characteristics and bins; the coefficients are refitted on every row.
  Say(w.options, "scorecard: refitting the chosen characteristics on all rows");
  LogisticFit refit_fit;
  auto refitted = FitScorecardOn(w, kept, w.bins, w.AllRows(), &refit_fit);
  if (refitted.ok()) {
    out.refitted = models::ModelArtifact::FromScorecard(std::move(refitted).value());
    fit = refit_fit;
    card = *out.refitted->scorecard();
    out.detail += ", refit on all rows";
  } else {
    out.detail += " (refit on all rows failed: " + refitted.status().message() + "; kept the train-rows fit)";
  }
  // The report describes the saved scorecard: the refit when there is one.
  json coefficients = json::array();
  for (size_t i = 0; i < card.characteristics.size(); ++i) {
    const auto& ch = card.characteristics[i];
    const auto [lo, hi] = std::minmax_element(ch.points.begin(), ch.points.end());
    coefficients.push_back({{"variable", ch.bins.variable},
                            {"coefficient", fit.coefficients[i]},
                            {"std_error", fit.standard_errors[i]},
                            {"p_value", fit.p_values[i]},
                            {"points_range", std::to_string(*lo) + " to " + std::to_string(*hi)}});
  }
  out.model_section = {{"intercept", card.intercept},
                       {"scaling", Fixed(w.options.scaling.base_score, 0) + " points at " +
                                       Fixed(w.options.scaling.base_odds, 0) + ":1 good:bad odds; " +
                                       Fixed(w.options.scaling.pdo, 0) + " points double the odds"},
                       {"coefficients", std::move(coefficients)}};
  out.seconds = SecondsSince(t0);
  return out;
}

Result<MethodOutcome> TryGbdt(const Workbench& w, double search_seconds) {
  const Clock::time_point t0 = Clock::now();
  std::vector<std::string> names;
  std::vector<models::FeatureSpec> specs;
  std::vector<models::VariableBins> categorical_bins;
  // Trees see one WOE per category level (only rare levels pooled): finer
  // than the scorecard's grouped bins, and the trees do the grouping.
  std::vector<models::VariableBins> tree_bins = w.bins;
  BinningOptions per_level;
  per_level.fine_bins = 200;
  per_level.max_bins = 50;
  per_level.min_bin_share = 0.002;
  per_level.min_bads_per_bin = 1;
  per_level.monotonicity = Monotonicity::kNone;
  per_level.rare_category_share = 0.002;
  for (size_t f = 0; f < w.roles.features.size(); ++f) {
    const data::Column& c = w.table.column(w.roles.features[f]);
    names.push_back(c.name);
    specs.push_back({c.name, c.type == data::ColumnType::kCategorical});
    if (!specs.back().categorical) continue;
    CREDO_ASSIGN_OR_RETURN(tree_bins[f],
                           BinColumn(c, w.bads, per_level, nullptr, std::span<const size_t>(w.split.train)));
    categorical_bins.push_back(tree_bins[f]);
  }
  const std::vector<float> x_train = TreeInput(w.table, w.roles.features, tree_bins, w.split.train);
  const std::vector<float> x_valid = TreeInput(w.table, w.roles.features, tree_bins, w.split.validation);
  std::vector<double> y_train(w.split.train.size()), y_valid(w.split.validation.size());
  for (size_t i = 0; i < y_train.size(); ++i) y_train[i] = w.bads[w.split.train[i]];
  for (size_t i = 0; i < y_valid.size(); ++i) y_valid[i] = w.bads[w.split.validation[i]];
  const LabeledSample train{x_train, y_train}, valid{x_valid, y_valid};

  GbdtOptions base;
  base.seed = w.options.seed & 0x7FFFFFFFFFFFFFFFULL;
  // Trial 1 is the setting modelers use by default (depth 4, eta 0.05, every row and column per tree).
  base.subsample = 1;
  base.colsample_bytree = 1;
  if (!w.options.gbdt_monotone.empty()) {
    base.monotone_constraints.assign(names.size(), 0);
    for (const auto& [feature, direction] : w.options.gbdt_monotone) {
      auto it = std::find(names.begin(), names.end(), feature);
      if (it == names.end()) {
        return Status::Usage("--gbdt-monotone names '" + feature + "', which is not a feature of this model");
      }
      base.monotone_constraints[it - names.begin()] = direction;
    }
  }
  GbdtSearchOptions search;
  search.time_budget_seconds = std::max(1.0, search_seconds);

  // On small samples one validation split is too noisy to choose settings
  // by: the search then scores each trial on k folds of the train rows.
  const bool cross_validate = w.split.train.size() <= kCrossValidationMaxRows;
  std::vector<std::vector<float>> fold_x;
  std::vector<std::vector<double>> fold_y;
  std::vector<GbdtFold> folds;
  double rows_per_search_model = static_cast<double>(w.split.train.size());
  if (cross_validate) {
    const std::vector<int> fold_of = StratifiedFolds(Gather(w.bads, w.split.train), kFolds, w.options.seed);
    for (int f = 0; f < kFolds; ++f) {
      std::vector<size_t> fit_rows, check_rows;
      for (size_t i = 0; i < w.split.train.size(); ++i)
        (fold_of[i] == f ? check_rows : fit_rows).push_back(w.split.train[i]);
      for (const std::vector<size_t>* rows : {&fit_rows, &check_rows}) {
        fold_x.push_back(TreeInput(w.table, w.roles.features, tree_bins, *rows));
        fold_y.emplace_back();
        for (size_t r : *rows) fold_y.back().push_back(w.bads[r]);
      }
    }
    for (size_t f = 0; f < kFolds; ++f) {
      folds.push_back({{fold_x[2 * f], fold_y[2 * f]}, {fold_x[2 * f + 1], fold_y[2 * f + 1]}});
    }
    rows_per_search_model = static_cast<double>(fold_y[0].size());
  } else {
    folds.push_back({train, valid});
  }
  Say(w.options,
      "gbdt: searching hyper-parameters for up to " + Fixed(search.time_budget_seconds, 0) + " s" +
          (cross_validate ? " (" + std::to_string(kFolds) + "-fold cross-validation on the train rows)"
                          : ""));
  CREDO_ASSIGN_OR_RETURN(GbdtTrainingResult result,
                         SearchGbdtFolds(folds, names, base, search, [&](const GbdtSearchProgress& p) {
                           Say(w.options, "gbdt: trial " + std::to_string(p.trial) + " validation AUC " +
                                              Fixed(p.trial_validation_auc, 4) + " (best " +
                                              Fixed(p.best_validation_auc, 4) + "), depth " +
                                              std::to_string(p.trial_options.max_depth) + ", eta " +
                                              Fixed(p.trial_options.eta, 3));
                         }));
  const GbdtOptions& o = result.chosen;
  // The chosen settings with the tree count the search found, grown with
  // the rows the model is fitted to.
  auto fit_with_settings = [&](const LabeledSample& sample) {
    GbdtOptions fixed = o;
    // Square-root growth: more rows carry more trees before overfitting, but not proportionally more.
    const double growth = std::sqrt(static_cast<double>(sample.bad.size()) / rows_per_search_model);
    fixed.max_trees = std::max(1, static_cast<int>(std::lround((result.best_iteration + 1) * growth)));
    fixed.early_stopping_rounds = 0;  // keep every tree
    return TrainGbdt(sample, valid, names, fixed);
  };

  MethodOutcome out;
  out.method = "gbdt";
  if (cross_validate) {
    CREDO_ASSIGN_OR_RETURN(GbdtTrainingResult on_train, fit_with_settings(train));
    result.model_json = std::move(on_train.model_json);
    result.feature_importance_gain = std::move(on_train.feature_importance_gain);
  }
  CREDO_ASSIGN_OR_RETURN(out.artifact,
                         models::ModelArtifact::FromXgboostJson(result.model_json, specs, categorical_bins));
  CREDO_ASSIGN_OR_RETURN(out.validation_auc, ValidationAuc(w, out.artifact, &out.validation_ks));
  out.detail = std::to_string(out.artifact.num_trees()) + " trees, depth " + std::to_string(o.max_depth) +
               ", eta " + Fixed(o.eta, 3) +
               (cross_validate ? ", chosen by " + std::to_string(kFolds) + "-fold CV" : "");

  const std::vector<size_t> all = w.AllRows();
  const std::vector<float> x_all = TreeInput(w.table, w.roles.features, tree_bins, all);
  std::vector<double> y_all(all.size());
  for (size_t r = 0; r < all.size(); ++r) y_all[r] = w.bads[r];
  Say(w.options, "gbdt: refitting on all rows");
  auto refitted = fit_with_settings({x_all, y_all});
  auto artifact = refitted.ok()
                      ? models::ModelArtifact::FromXgboostJson(refitted->model_json, specs, categorical_bins)
                      : Result<models::ModelArtifact>(refitted.status());
  if (artifact.ok()) {
    out.refitted = std::move(artifact).value();
    out.detail += ", refit on all rows with " + std::to_string(out.refitted->num_trees()) + " trees";
    result.feature_importance_gain = refitted->feature_importance_gain;
  } else {
    out.detail += " (refit on all rows failed: " + artifact.status().message() + ")";
  }

  double total_gain = 0;
  for (double g : result.feature_importance_gain) total_gain += g;
  std::vector<size_t> order(names.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return result.feature_importance_gain[a] > result.feature_importance_gain[b];
  });
  json importance = json::array();
  for (size_t i : order) {
    const double gain = result.feature_importance_gain[i];
    importance.push_back(
        {{"feature", names[i]}, {"gain", gain}, {"share", total_gain > 0 ? gain / total_gain : 0}});
    out.used[names[i]] = gain > 0 ? "used by the trees" : "not used by any tree";
  }
  out.model_section = {{"summary", "XGBoost binary:logistic, " + out.detail + ", min_child_weight " +
                                       Fixed(o.min_child_weight, 2) + ", subsample " + Fixed(o.subsample, 2) +
                                       ", colsample_bytree " + Fixed(o.colsample_bytree, 2) + ", lambda " +
                                       Fixed(o.lambda, 2) + ", alpha " + Fixed(o.alpha, 2) +
                                       "; categorical features enter as the WOE of their level"},
                       {"best_iteration", result.best_iteration},
                       {"feature_importance", std::move(importance)}};
  out.seconds = SecondsSince(t0);
  return out;
}

json BinsJson(const models::VariableBins& vb, const models::Scorecard* card) {
  int64_t total = 0;
  for (const models::Bin& b : vb.bins) total += b.count;
  const std::vector<int>* points = nullptr;
  if (card) {
    for (const auto& ch : card->characteristics) {
      if (ch.bins.variable == vb.variable) points = &ch.points;
    }
  }
  json bins = json::array();
  for (size_t i = 0; i < vb.bins.size(); ++i) {
    const models::Bin& b = vb.bins[i];
    json jb = {{"label", b.Label()},
               {"count", b.count},
               {"share", total > 0 ? static_cast<double>(b.count) / total : 0.0},
               {"bads", b.bads},
               {"event_rate", b.event_rate()},
               {"woe", b.woe},
               {"iv", b.iv}};
    if (points) jb["points"] = (*points)[i];
    bins.push_back(std::move(jb));
  }
  return bins;
}

// Per-variable section: bins, IV, trend, PSI train -> validation, status.
Result<json> VariablesJson(const Workbench& w, const models::Scorecard* card,
                           const std::map<std::string, std::string>& used) {
  std::vector<size_t> order(w.bins.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return w.bins[a].iv > w.bins[b].iv; });
  const data::Table& train = w.train_rows;
  const data::Table& valid = w.validation_rows;
  json variables = json::array();
  for (size_t f : order) {
    const models::VariableBins& vb = w.bins[f];
    const size_t col = w.roles.features[f];
    json v = {{"variable", vb.variable},
              {"type", data::ColumnTypeName(w.table.column(col).type)},
              {"iv", vb.iv},
              {"trend", models::TrendName(vb.trend)},
              {"bins", BinsJson(vb, card)}};
    if (!valid.column(col).numbers.empty() || !valid.column(col).codes.empty()) {
      auto psi = VariablePsi(vb, train.column(col), valid.column(col));
      if (psi.ok()) v["psi"] = psi->psi;
    }
    auto it = used.find(vb.variable);
    v["status"] = it == used.end() ? "not used" : it->second;
    variables.push_back(std::move(v));
  }
  return variables;
}

Result<std::vector<models::VariableBins>> BinFeatures(const data::Table& table, const ColumnRoles& roles,
                                                      const std::vector<uint8_t>& bads,
                                                      const std::vector<size_t>& rows,
                                                      const TrainingOptions& o) {
  std::vector<const data::Column*> cols;
  for (size_t i : roles.features) cols.push_back(&table.column(i));
  ManualBins manual;
  manual.cuts.insert(o.user_cuts.begin(), o.user_cuts.end());
  manual.groups.insert(o.user_groups.begin(), o.user_groups.end());
  for (const auto& [name, cuts] : o.user_cuts) {
    if (!table.Find(name))
      return Status::NotFound("--cuts names column '" + name + "', which the data does not have");
  }
  for (const auto& [name, groups] : o.user_groups) {
    if (!table.Find(name))
      return Status::NotFound("--cuts names column '" + name + "', which the data does not have");
  }
  Say(o, "binning " + std::to_string(cols.size()) + " variables on " + std::to_string(rows.size()) + " rows");
  return BinAll(cols, bads, o.binning, &manual, std::span<const size_t>(rows));
}

// Validates target and roles and makes the split: the shared first steps.
struct Prepared {
  std::vector<uint8_t> bads;
  ColumnRoles roles;
  SampleSplit split;
};

Result<Prepared> Prepare(const data::Table& table, const TrainingOptions& o, bool need_split) {
  if (table.num_rows() == 0) return Status::Invalid("the data has no rows", table.source());
  Prepared p;
  CREDO_ASSIGN_OR_RETURN(p.bads, ReadTarget(table, o.target));
  CREDO_ASSIGN_OR_RETURN(p.roles, DecideColumnRoles(table, o.target, o.id_column, o.exclude));
  for (const std::string& n : p.roles.notices) Say(o, "notice: " + n);
  if (!need_split) {
    p.split.train.resize(table.num_rows());
    for (size_t r = 0; r < table.num_rows(); ++r) p.split.train[r] = r;
    p.split.description = "all rows";
    return p;
  }
  if (o.split_by.empty()) {
    p.split = RandomSplit(p.bads, o.validation_share, o.seed);
  } else {
    CREDO_ASSIGN_OR_RETURN(p.split, OutOfTimeSplit(table, o.split_by, o.split_at));
  }
  CREDO_RETURN_IF_ERROR(CheckSplitHasBothClasses(p.split, p.bads));
  Say(o, "split: " + p.split.description + " (" + std::to_string(p.split.train.size()) + " / " +
             std::to_string(p.split.validation.size()) + " rows)");
  return p;
}

json DataJson(const data::Table& table, const TrainingOptions& o, const Prepared& p) {
  size_t n_bad = 0;
  for (uint8_t b : p.bads) n_bad += b;
  char fingerprint[32];
  std::snprintf(fingerprint, sizeof fingerprint, "fnv1a64:%016llx",
                static_cast<unsigned long long>(Fingerprint(table)));
  return {{"file", table.source()},
          {"rows", table.num_rows()},
          {"columns", table.num_columns()},
          {"target", o.target},
          {"id_column", p.roles.id_column},
          {"bad_rate", static_cast<double>(n_bad) / static_cast<double>(table.num_rows())},
          {"train_rows", p.split.train.size()},
          {"validation_rows", p.split.validation.size()},
          {"split", p.split.description},
          {"fingerprint", fingerprint}};
}

const char* MethodName(ModelMethod m) {
  return m == ModelMethod::kScorecard ? "scorecard" : m == ModelMethod::kGbdt ? "gbdt" : "auto";
}

}  // namespace

Result<std::vector<uint8_t>> ReadTarget(const data::Table& table, const std::string& target) {
  CREDO_ASSIGN_OR_RETURN(size_t index, table.IndexOf(target));
  const data::Column& c = table.column(index);
  const std::string where = table.source() + ": column '" + target + "'";
  std::vector<uint8_t> bads(c.size());
  // Data line of a row: the header is line 1 (multi-line quoted fields aside).
  auto line_of = [](size_t row) { return std::to_string(row + 2); };
  if (c.type == data::ColumnType::kNumeric) {
    for (size_t r = 0; r < c.size(); ++r) {
      const double v = c.numbers[r];
      if (std::isnan(v)) return Status::Invalid("the target is missing on data line " + line_of(r), where);
      if (v != 0 && v != 1) {
        return Status::Invalid(
            "the target must be 0 or 1 (1 = bad); found " + c.ValueText(r) + " on data line " + line_of(r),
            where);
      }
      bads[r] = v == 1;
    }
  } else if (c.type == data::ColumnType::kCategorical) {
    static const std::vector<std::pair<std::string, std::string>> kPairs = {
        {"yes", "no"}, {"bad", "good"}, {"true", "false"}, {"y", "n"}, {"default", "non-default"}};
    auto lower = [](std::string s) {
      std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
      return s;
    };
    std::set<std::string> levels;
    for (const std::string& l : c.levels) levels.insert(lower(l));
    std::string bad_level;
    for (const auto& [bad, good] : kPairs) {
      if (levels == std::set<std::string>{bad, good}) bad_level = bad;
    }
    if (bad_level.empty()) {
      std::string found;
      for (const std::string& l : c.levels) found += (found.empty() ? "" : ", ") + l;
      return Status::Invalid(
          "the target must be binary: 0/1, or two levels such as yes/no or bad/good; found " +
              std::to_string(c.levels.size()) + " levels (" + found.substr(0, 120) + ")",
          where);
    }
    for (size_t r = 0; r < c.size(); ++r) {
      if (c.codes[r] < 0) return Status::Invalid("the target is missing on data line " + line_of(r), where);
      bads[r] = lower(c.levels[c.codes[r]]) == bad_level;
    }
  } else {
    return Status::Invalid("the target holds dates; it must be 0/1 or two levels such as yes/no", where);
  }
  size_t n_bad = 0;
  for (uint8_t b : bads) n_bad += b;
  if (n_bad == 0) return Status::Invalid("the target has no bads (no row is 1): nothing to learn", where);
  if (n_bad == bads.size())
    return Status::Invalid("the target has no goods (every row is 1): nothing to learn", where);
  return bads;
}

Result<json> BinTable(const data::Table& table, const TrainingOptions& options) {
  CREDO_ASSIGN_OR_RETURN(Prepared p, Prepare(table, options, /*need_split=*/false));
  CREDO_ASSIGN_OR_RETURN(std::vector<models::VariableBins> bins,
                         BinFeatures(table, p.roles, p.bads, p.split.train, options));
  std::vector<size_t> order(bins.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return bins[a].iv > bins[b].iv; });
  json variables = json::array();
  for (size_t f : order) {
    variables.push_back({{"variable", bins[f].variable},
                         {"type", data::ColumnTypeName(table.column(p.roles.features[f]).type)},
                         {"iv", bins[f].iv},
                         {"trend", models::TrendName(bins[f].trend)},
                         {"status", bins[f].iv >= options.selection.min_iv ? "IV above threshold"
                                                                           : "weak (IV below threshold)"},
                         {"bins", BinsJson(bins[f], nullptr)}});
  }
  json data = DataJson(table, options, p);
  data.erase("train_rows");
  data.erase("validation_rows");
  return json{{"model", {{"kind", "binning"}}},
              {"data", std::move(data)},
              {"notices", p.roles.notices},
              {"variables", std::move(variables)}};
}

Result<TrainedModel> TrainModel(const data::Table& table, const TrainingOptions& options) {
  const Clock::time_point start = Clock::now();
  CREDO_ASSIGN_OR_RETURN(Prepared p, Prepare(table, options, /*need_split=*/true));
  CREDO_ASSIGN_OR_RETURN(std::vector<models::VariableBins> bins,
                         BinFeatures(table, p.roles, p.bads, p.split.train, options));
  const data::Table train_rows = table.TakeRows(p.split.train);
  const data::Table valid_rows = table.TakeRows(p.split.validation);
  const Workbench w{table, options, p.bads, p.roles, p.split, bins, train_rows, valid_rows, start};

  std::vector<MethodOutcome> candidates;
  json notices = p.roles.notices;
  if (options.method != ModelMethod::kGbdt) {
    auto sc = TryScorecard(w);
    if (!sc.ok()) {
      if (options.method == ModelMethod::kScorecard) return sc.status();
      notices.push_back("scorecard not built: " + sc.status().message());
    } else {
      Say(options, "scorecard: validation AUC " + Fixed(sc->validation_auc, 4) + " (" + sc->detail + ")");
      candidates.push_back(std::move(sc).value());
    }
  }
  if (options.method != ModelMethod::kScorecard) {
    // The search gets 64% of what is left; the rest is for the report and the
    // refit, which fits one or two models where the search fitted dozens.
    auto gb = TryGbdt(w, 0.64 * w.SecondsLeft());
    if (!gb.ok()) {
      if (options.method == ModelMethod::kGbdt || candidates.empty()) return gb.status();
      notices.push_back("gbdt not built: " + gb.status().message());
    } else {
      Say(options, "gbdt: validation AUC " + Fixed(gb->validation_auc, 4) + " (" + gb->detail + ")");
      candidates.push_back(std::move(gb).value());
    }
  }
  size_t best = 0;
  for (size_t i = 1; i < candidates.size(); ++i) {
    if (candidates[i].validation_auc > candidates[best].validation_auc) best = i;
  }
  MethodOutcome& chosen = candidates[best];
  if (candidates.size() > 1) {
    Say(options,
        "auto: keeping the " + chosen.method + " (validation AUC " + Fixed(chosen.validation_auc, 4) + ")");
  }

  // Metrics are measured on the model fitted to the train rows; the saved
  // artifact is the refit on every row when there is one.
  Say(options, "evaluating");
  const models::ModelArtifact& measured = chosen.artifact;
  models::ModelArtifact& saved = chosen.refitted ? *chosen.refitted : chosen.artifact;
  CREDO_ASSIGN_OR_RETURN(std::vector<double> p_train, measured.PredictTable(train_rows));
  CREDO_ASSIGN_OR_RETURN(std::vector<double> p_valid, measured.PredictTable(valid_rows));
  std::optional<std::vector<int>> points;
  if (chosen.method == "scorecard") {
    CREDO_ASSIGN_OR_RETURN(std::vector<models::ScoredApplicant> scored, measured.ScoreTable(valid_rows, 0));
    points.emplace();
    for (const auto& s : scored) points->push_back(*s.score);
  }
  CREDO_ASSIGN_OR_RETURN(json metrics, PerformanceReport(p_train, Gather(p.bads, p.split.train), p_valid,
                                                         Gather(p.bads, p.split.validation), points));
  CREDO_ASSIGN_OR_RETURN(json variables, VariablesJson(w, saved.scorecard(), chosen.used));

  json report;
  report["model"] = {{"id", saved.id()},
                     {"kind", chosen.method},
                     {"method_requested", MethodName(options.method)},
                     {"features", saved.features().size()},
                     {"refit_on_all_rows", chosen.refitted.has_value()},
                     {"created_at", ""}};
  report["data"] = DataJson(table, options, p);
  report["notices"] = std::move(notices);
  json cands = json::array();
  for (const MethodOutcome& c : candidates) {
    cands.push_back({{"method", c.method},
                     {"validation_auc", c.validation_auc},
                     {"validation_ks", c.validation_ks},
                     {"seconds", c.seconds},
                     {"detail", c.detail}});
  }
  report["candidates"] = std::move(cands);
  report[chosen.method] = chosen.model_section;
  report["metrics"] = metrics;
  report["variables"] = std::move(variables);
  report["selection"] = chosen.selection;
  report["seconds"] = SecondsSince(start);

  saved.SetSection("metrics", {{"train", metrics["train"]}, {"validation", metrics["validation"]}});
  saved.SetSection("training_data", report["data"]);
  report["model"]["created_at"] = saved.created_at();
  return TrainedModel{std::move(saved), std::make_unique<json>(std::move(report))};
}

}  // namespace credo::modeling
