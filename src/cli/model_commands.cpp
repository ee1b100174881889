// `credo model train|score|bin|import-xgboost`: the model builder's commands.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/progress.h"
#include "cli/subcommands.h"
#include "data/csv.h"
#include "data/table.h"
#include "modeling/report.h"
#include "modeling/training.h"
#include "models/artifact.h"

namespace credo::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

Status MakeOutputDir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Io("cannot create the output directory: " + ec.message(), dir);
  return Status::Ok();
}

Result<data::Table> ReadData(const std::string& path, Progress& progress) {
  progress.Say("reading " + path);
  CREDO_ASSIGN_OR_RETURN(data::Table table, data::ReadCsv(path));
  progress.Say("read " + std::to_string(table.num_rows()) + " rows x " + std::to_string(table.num_columns()) +
               " columns");
  return table;
}

// Flags shared by train and bin.
struct TrainFlags {
  std::string data, target, id, out, method = "auto", split_by, split_at, cuts_file;
  std::vector<std::string> exclude;
  std::vector<double> special_values;
  double time_budget = 45, validation_share = 0.25, min_bin_share = 0.05, min_iv = 0.02;
  double base_score = 600, base_odds = 50, pdo = 20;
  int max_bins = 8, max_variables = 20;
  int64_t min_bads_per_bin = 5;
  double l2 = 0;
  std::string stepwise = "both", stepwise_criterion = "aic";
  std::vector<std::string> gbdt_monotone;
  uint64_t seed = 42;
  std::string monotonic = "auto";
  bool json_output = false;
};

void AddDataFlags(CLI::App* cmd, TrainFlags* f) {
  cmd->add_option("--data", f->data, "Training data: CSV/TSV, plain or .gz")->required();
  cmd->add_option("--target", f->target, "Target column: 1/0 or two levels such as yes/no (1 = bad)")
      ->required();
  cmd->add_option("--id", f->id, "Identifier column (left out of the features; detected when not given)");
  cmd->add_option("--exclude", f->exclude, "Columns never used as features")->delimiter(',');
  cmd->add_option("--out", f->out, "Output directory")->required();
  cmd->add_option("--min-bin-share", f->min_bin_share, "Smallest share of rows in one bin")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 0.5));
  cmd->add_option("--max-bins", f->max_bins, "Most bins per variable")
      ->capture_default_str()
      ->check(CLI::Range(2, 50));
  cmd->add_option("--min-bads-per-bin", f->min_bads_per_bin, "Fewest bads (and goods) in one bin")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{100000}));
  cmd->add_option("--monotonic", f->monotonic, "Event-rate shape across bins")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "ascending", "descending", "peak", "valley", "none"}));
  cmd->add_option("--special-values", f->special_values, "Numeric codes binned on their own (e.g. -1,999)")
      ->delimiter(',');
  cmd->add_option(
      "--cuts", f->cuts_file,
      "JSON file of user cut points: {\"age\": [25, 35, 50], \"city_tier\": [[\"tier1\",\"tier2\"], "
      "[\"tier3\"]]}");
  cmd->add_flag("--json", f->json_output, "Print the summary as JSON");
}

Result<modeling::TrainingOptions> ToOptions(const TrainFlags& f) {
  modeling::TrainingOptions o;
  o.target = f.target;
  o.id_column = f.id;
  o.exclude = f.exclude;
  o.method = f.method == "scorecard" ? modeling::ModelMethod::kScorecard
             : f.method == "gbdt"    ? modeling::ModelMethod::kGbdt
                                     : modeling::ModelMethod::kAuto;
  o.time_budget_seconds = f.time_budget;
  o.seed = f.seed;
  o.split_by = f.split_by;
  o.split_at = f.split_at;
  if (!o.split_by.empty() && o.split_at.empty())
    return Status::Usage("--split-by needs --split-at (a date or number)");
  o.validation_share = f.validation_share;
  o.binning.min_bin_share = f.min_bin_share;
  o.binning.max_bins = f.max_bins;
  o.binning.special_values = f.special_values;
  o.binning.min_bads_per_bin = f.min_bads_per_bin;
  o.binning.monotonicity = f.monotonic == "ascending"    ? modeling::Monotonicity::kAscending
                           : f.monotonic == "descending" ? modeling::Monotonicity::kDescending
                           : f.monotonic == "peak"       ? modeling::Monotonicity::kPeak
                           : f.monotonic == "valley"     ? modeling::Monotonicity::kValley
                           : f.monotonic == "none"       ? modeling::Monotonicity::kNone
                                                         : modeling::Monotonicity::kAuto;
  o.scaling = {f.base_score, f.base_odds, f.pdo};
  o.selection.min_iv = f.min_iv;
  o.selection.stepwise.max_variables = f.max_variables;
  o.selection.stepwise.direction = f.stepwise == "forward"    ? modeling::StepwiseDirection::kForward
                                   : f.stepwise == "backward" ? modeling::StepwiseDirection::kBackward
                                                              : modeling::StepwiseDirection::kBoth;
  o.selection.stepwise.criterion = f.stepwise_criterion == "p-value" ? modeling::StepwiseCriterion::kPValue
                                                                     : modeling::StepwiseCriterion::kAic;
  o.selection.stepwise.logistic.l2 = f.l2;
  for (const std::string& item : f.gbdt_monotone) {
    const size_t colon = item.rfind(':');
    const std::string direction = colon == std::string::npos ? "" : item.substr(colon + 1);
    if (direction != "1" && direction != "+1" && direction != "-1") {
      return Status::Usage("--gbdt-monotone: '" + item + "' is not FEATURE:+1 or FEATURE:-1");
    }
    o.gbdt_monotone[item.substr(0, colon)] = direction == "-1" ? -1 : 1;
  }
  if (!f.cuts_file.empty()) {
    std::ifstream in(f.cuts_file);
    if (!in) return Status::NotFound("cannot open the cuts file", f.cuts_file);
    json j = json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      return Status::Invalid("expected a JSON object of variable -> cut points or level groups", f.cuts_file);
    }
    for (const auto& [name, value] : j.items()) {
      const std::string path = f.cuts_file + ": $." + name;
      if (!value.is_array()) return Status::Invalid("expected an array", path);
      if (!value.empty() && value[0].is_array()) {
        std::vector<std::vector<std::string>> groups;
        for (const json& g : value) {
          if (!g.is_array()) return Status::Invalid("expected an array of level groups", path);
          std::vector<std::string> levels;
          for (const json& l : g) levels.push_back(l.is_string() ? l.get<std::string>() : l.dump());
          groups.push_back(std::move(levels));
        }
        o.user_groups[name] = std::move(groups);
      } else {
        std::vector<double> cuts;
        for (const json& c : value) {
          if (!c.is_number()) return Status::Invalid("cut points must be numbers", path);
          cuts.push_back(c.get<double>());
        }
        o.user_cuts[name] = std::move(cuts);
      }
    }
  }
  return o;
}

std::string Fixed(double x, int decimals) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(decimals);
  s << x;
  return s.str();
}

void AddTrainCommand(CLI::App* model, Action* action) {
  auto f = std::make_shared<TrainFlags>();
  CLI::App* cmd =
      model->add_subcommand("train", "Build a credit model (WOE scorecard, GBDT, or the better of both)");
  AddDataFlags(cmd, f.get());
  cmd->add_option("--method", f->method, "scorecard, gbdt, or auto (both; the higher validation AUC wins)")
      ->capture_default_str()
      ->check(CLI::IsMember({"scorecard", "gbdt", "auto"}));
  cmd->add_option("--time-budget", f->time_budget, "Seconds for the whole run, GBDT search included")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 86400.0));
  cmd->add_option("--seed", f->seed, "Random seed (split, search)")->capture_default_str();
  cmd->add_option("--split-by", f->split_by, "Out-of-time split: column holding a date or number");
  cmd->add_option("--split-at", f->split_at,
                  "Out-of-time split: rows below this value train, the rest validate");
  cmd->add_option("--validation-share", f->validation_share,
                  "Random split: share of rows held out for validation")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 0.5));
  cmd->add_option("--min-iv", f->min_iv, "Scorecard: leave out variables below this information value")
      ->capture_default_str();
  cmd->add_option("--max-variables", f->max_variables, "Scorecard: most characteristics")
      ->capture_default_str();
  cmd->add_option("--stepwise", f->stepwise, "Scorecard: stepwise direction")
      ->capture_default_str()
      ->check(CLI::IsMember({"forward", "backward", "both"}));
  cmd->add_option("--stepwise-criterion", f->stepwise_criterion,
                  "Scorecard: enter/remove by AIC or by p-value")
      ->capture_default_str()
      ->check(CLI::IsMember({"aic", "p-value"}));
  cmd->add_option("--l2", f->l2, "Scorecard: L2 penalty of the logistic regression")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--gbdt-monotone", f->gbdt_monotone,
                  "GBDT monotone constraints, FEATURE:+1 (risk rises with the value) or FEATURE:-1")
      ->delimiter(',');
  cmd->add_option("--base-score", f->base_score, "Scorecard points at the base odds")->capture_default_str();
  cmd->add_option("--base-odds", f->base_odds, "Good:bad odds at the base score")->capture_default_str();
  cmd->add_option("--pdo", f->pdo, "Points to double the odds")->capture_default_str();
  cmd->callback([=] {
    *action = [=]() -> Status {
      Progress progress;
      CREDO_ASSIGN_OR_RETURN(modeling::TrainingOptions options, ToOptions(*f));
      CREDO_ASSIGN_OR_RETURN(data::Table table, ReadData(f->data, progress));
      options.progress = [&](const std::string& line) { progress.Say(line); };
      CREDO_ASSIGN_OR_RETURN(modeling::TrainedModel trained, modeling::TrainModel(table, options));
      // Nothing is written until the model is complete.
      CREDO_RETURN_IF_ERROR(MakeOutputDir(f->out));
      const fs::path dir = f->out;
      CREDO_RETURN_IF_ERROR(
          WriteFileAtomically((dir / "report.json").string(), trained.report->dump(1) + "\n"));
      CREDO_RETURN_IF_ERROR(
          WriteFileAtomically((dir / "report.html").string(), modeling::RenderReportHtml(*trained.report)));
      CREDO_RETURN_IF_ERROR(trained.artifact.Save((dir / "model.json").string()));
      const json& r = *trained.report;
      const json& v = r["metrics"]["validation"];
      if (f->json_output) {
        std::cout << json{{"model", (dir / "model.json").string()},
                          {"report", (dir / "report.html").string()},
                          {"kind", r["model"]["kind"]},
                          {"validation", v}}
                         .dump()
                  << '\n';
      } else {
        std::cout << "model:   " << (dir / "model.json").string() << " ("
                  << r["model"]["kind"].get<std::string>() << ", " << r["model"]["features"].get<size_t>()
                  << " features)\n"
                  << "report:  " << (dir / "report.html").string() << "\n"
                  << "validation AUC " << Fixed(v["auc"].get<double>(), 4) << ", KS "
                  << Fixed(v["ks"].get<double>(), 4) << ", Gini " << Fixed(v["gini"].get<double>(), 4)
                  << " on " << r["data"]["validation_rows"].get<size_t>() << " rows\n";
      }
      progress.Say("done");
      return Status::Ok();
    };
  });
}

void AddBinCommand(CLI::App* model, Action* action) {
  auto f = std::make_shared<TrainFlags>();
  CLI::App* cmd =
      model->add_subcommand("bin", "Binning tables with WOE and IV for every variable (exploration)");
  AddDataFlags(cmd, f.get());
  cmd->callback([=] {
    *action = [=]() -> Status {
      Progress progress;
      CREDO_ASSIGN_OR_RETURN(modeling::TrainingOptions options, ToOptions(*f));
      CREDO_ASSIGN_OR_RETURN(data::Table table, ReadData(f->data, progress));
      options.progress = [&](const std::string& line) { progress.Say(line); };
      CREDO_ASSIGN_OR_RETURN(json report, modeling::BinTable(table, options));
      CREDO_RETURN_IF_ERROR(MakeOutputDir(f->out));
      const fs::path dir = f->out;
      CREDO_RETURN_IF_ERROR(WriteFileAtomically((dir / "binning.json").string(), report.dump(1) + "\n"));
      CREDO_RETURN_IF_ERROR(
          WriteFileAtomically((dir / "binning.html").string(), modeling::RenderReportHtml(report)));
      if (f->json_output) {
        std::cout << report["variables"].dump() << '\n';
      } else {
        std::cout << "variable                                  IV   bins  trend\n";
        for (const json& var : report["variables"]) {
          std::string name = var["variable"].get<std::string>();
          name.resize(std::max<size_t>(name.size(), 36), ' ');
          std::cout << name << "  " << Fixed(var["iv"].get<double>(), 4) << "  " << var["bins"].size()
                    << "     " << var["trend"].get<std::string>() << '\n';
        }
        std::cout << "tables: " << (dir / "binning.html").string() << " and binning.json\n";
      }
      return Status::Ok();
    };
  });
}

void AddScoreCommand(CLI::App* model, Action* action) {
  struct Flags {
    std::string model, data, out, id;
    size_t reasons = 3;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd =
      model->add_subcommand("score", "Score a file with a model: probability of bad, score, reasons");
  cmd->add_option("--model", f->model, "model.json from `credo model train` or `import-xgboost`")->required();
  cmd->add_option("--data", f->data, "Rows to score: CSV/TSV, plain or .gz")->required();
  cmd->add_option("--out", f->out, "Output CSV (.gz to compress)")->required();
  cmd->add_option("--id", f->id,
                  "Identifier column to copy to the output (default: the one used in training)");
  cmd->add_option("--reasons", f->reasons, "Reason codes per row")
      ->capture_default_str()
      ->check(CLI::Range(0, 20));
  cmd->callback([=] {
    *action = [=]() -> Status {
      Progress progress;
      CREDO_ASSIGN_OR_RETURN(models::ModelArtifact artifact, models::ModelArtifact::Load(f->model));
      std::string id = f->id;
      if (id.empty()) {
        if (const json* t = artifact.Section("training_data")) id = t->value("id_column", "");
      }
      data::ReadOptions read;
      for (const models::FeatureSpec& spec : artifact.features()) {
        read.column_types[spec.name] =
            spec.categorical ? data::ColumnType::kCategorical : data::ColumnType::kNumeric;
      }
      progress.Say("reading " + f->data);
      CREDO_ASSIGN_OR_RETURN(data::Table table, data::ReadCsv(f->data, read));
      const data::Column* id_column = id.empty() ? nullptr : table.Find(id);
      if (!f->id.empty() && id_column == nullptr) {
        return Status::NotFound("no identifier column '" + f->id + "'", f->data);
      }
      progress.Say("scoring " + std::to_string(table.num_rows()) + " rows");
      CREDO_ASSIGN_OR_RETURN(std::vector<models::ScoredApplicant> scored,
                             artifact.ScoreTable(table, f->reasons));
      const bool has_score = artifact.kind() == models::ModelKind::kScorecard;
      std::vector<std::string> header;
      if (id_column) header.push_back(id);
      header.push_back("probability");
      if (has_score) header.push_back("score");
      for (size_t k = 1; k <= f->reasons; ++k) {
        header.push_back("reason_" + std::to_string(k));
        header.push_back("reason_" + std::to_string(k) + "_detail");
      }
      const std::string tmp = f->out + ".tmp" + (f->out.ends_with(".gz") ? ".gz" : "");
      CREDO_ASSIGN_OR_RETURN(auto writer, data::CsvWriter::Open(tmp));
      CREDO_RETURN_IF_ERROR(writer->WriteRow(header));
      std::vector<std::string> row;
      char buf[32];
      for (size_t r = 0; r < scored.size(); ++r) {
        row.clear();
        if (id_column) row.push_back(id_column->ValueText(r));
        std::snprintf(buf, sizeof buf, "%.10g", scored[r].probability);
        row.push_back(buf);
        if (has_score) row.push_back(std::to_string(*scored[r].score));
        for (size_t k = 0; k < f->reasons; ++k) {
          const bool has = k < scored[r].reasons.size();
          row.push_back(has ? scored[r].reasons[k].feature : "");
          row.push_back(has ? scored[r].reasons[k].detail : "");
        }
        CREDO_RETURN_IF_ERROR(writer->WriteRow(row));
      }
      CREDO_RETURN_IF_ERROR(writer->Close());
      std::error_code ec;
      fs::rename(tmp, f->out, ec);
      if (ec) return Status::Io("cannot move into place: " + ec.message(), f->out);
      progress.Say("wrote " + std::to_string(scored.size()) + " scores to " + f->out);
      return Status::Ok();
    };
  });
}

void AddImportCommand(CLI::App* model, Action* action) {
  struct Flags {
    std::string json_file, out;
    std::vector<std::string> features;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = model->add_subcommand(
      "import-xgboost",
      "Wrap a model saved by XGBoost (booster.save_model(\"m.json\")) as a Credo model artifact");
  cmd->add_option("--json", f->json_file, "XGBoost JSON model file")->required();
  cmd->add_option("--features", f->features, "Feature names in the model's column order, comma-separated")
      ->required()
      ->delimiter(',');
  cmd->add_option("--out", f->out, "Where to write the artifact (model.json)")->required();
  cmd->callback([=] {
    *action = [=]() -> Status {
      std::ifstream in(f->json_file, std::ios::binary);
      if (!in) return Status::NotFound("cannot open the XGBoost model", f->json_file);
      std::stringstream text;
      text << in.rdbuf();
      std::vector<models::FeatureSpec> features;
      for (const std::string& name : f->features) features.push_back({name, false});
      auto artifact = models::ModelArtifact::FromXgboostJson(text.str(), std::move(features));
      if (!artifact.ok()) return Status::Invalid(artifact.status().message(), f->json_file);
      artifact->SetSection("training_data", json{{"imported_from", f->json_file}});
      const fs::path out = f->out;
      if (out.has_parent_path()) CREDO_RETURN_IF_ERROR(MakeOutputDir(out.parent_path().string()));
      CREDO_RETURN_IF_ERROR(artifact->Save(f->out));
      std::cout << "model: " << f->out << " (gbdt, " << f->features.size() << " features, imported)\n";
      return Status::Ok();
    };
  });
}

}  // namespace

void AddModelCommands(CLI::App& app, Action* action) {
  CLI::App* model = app.add_subcommand("model", "Build, inspect and use credit models");
  model->require_subcommand(1);
  AddTrainCommand(model, action);
  AddScoreCommand(model, action);
  AddBinCommand(model, action);
  AddImportCommand(model, action);
}

}  // namespace credo::cli
