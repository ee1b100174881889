// modeling/selection.h — choosing the characteristics of a scorecard.
//
// The usual chain, each step a function of its own so a modeler can run any
// of them alone: information-value threshold, correlation filter, variance
// inflation (VIF), stepwise logistic regression, and the coefficient-sign
// check. Every step reports each variable it drops with the reason, for the
// model report. Steps work on WOE-transformed columns (WOE = ln(share of
// goods / share of bads), so a safer bin has a higher WOE and a sound model
// has negative coefficients on the log-odds of bad). Pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "modeling/logistic.h"

namespace credo::modeling {

// One characteristic that may enter the model: its name, its information
// value, and its WOE-transformed values (one per training row). The values
// are a view: the caller keeps them alive while selection runs.
struct Candidate {
  std::string variable;
  double iv = 0;
  std::span<const double> woe;
};

// A variable a step removed, and why ("IV 0.011 < 0.02").
struct DroppedVariable {
  std::string variable;
  std::string step;  // "iv", "correlation", "vif", "stepwise", "sign"
  std::string reason;
};

// What a step keeps (in input order) and what it drops.
struct Selection {
  std::vector<Candidate> kept;
  std::vector<DroppedVariable> dropped;
};

// Keeps candidates with iv >= min_iv.
Selection FilterByIv(std::vector<Candidate> candidates, double min_iv = 0.02);

// For every pair whose Pearson correlation of WOE exceeds max_abs_correlation
// in absolute value, keeps the member with the higher IV: candidates are
// visited by decreasing IV (ties in input order) and one is kept only if it
// is within the limit against every candidate already kept.
Selection FilterByCorrelation(std::vector<Candidate> candidates, double max_abs_correlation = 0.7);

// Repeatedly drops the candidate with the largest variance inflation factor,
// VIF = 1 / (1 - R^2) from the least-squares regression of its WOE on the
// others' (with intercept), while that VIF exceeds max_vif. Ties (such as
// several exactly collinear candidates, VIF infinite) drop the lower IV.
Selection FilterByVif(std::vector<Candidate> candidates, double max_vif = 10);

enum class StepwiseDirection { kForward, kBackward, kBoth };
enum class StepwiseCriterion { kAic, kPValue };

// How stepwise logistic regression moves.
struct StepwiseOptions {
  StepwiseDirection direction = StepwiseDirection::kBoth;
  // kAic: a move is made when it lowers AIC, choosing the lowest AIC.
  // kPValue: a candidate enters with the smallest Wald p-value below
  // p_enter; a variable leaves with the largest Wald p-value above p_stay.
  StepwiseCriterion criterion = StepwiseCriterion::kAic;
  double p_enter = 0.05;
  double p_stay = 0.10;
  // No more than this many variables in the model. Backward elimination that
  // ends above the cap keeps removing the variable whose removal costs least.
  int max_variables = 20;
  LogisticOptions logistic;
};

// Stepwise selection of the logistic model of `bads` on the candidates' WOE.
// A candidate whose addition makes the fit fail (separation, collinearity)
// is not entered, and its drop reason says why. Fails when the starting
// model itself cannot be fitted.
Result<Selection> Stepwise(std::vector<Candidate> candidates, std::span<const uint8_t> bads,
                           const StepwiseOptions& options = {});

// Fits the model and, while some coefficient is positive (the wrong sign on
// WOE), drops the candidate with the largest positive coefficient and refits.
Result<Selection> DropWrongSigns(std::vector<Candidate> candidates, std::span<const uint8_t> bads,
                                 const LogisticOptions& options = {});

// The whole chain's settings.
struct SelectionOptions {
  double min_iv = 0.02;
  double max_abs_correlation = 0.7;
  double max_vif = 10;
  StepwiseOptions stepwise;
};

// The chain's outcome: the kept variables, every drop in the order the steps
// ran, and the logistic fit on the kept variables (coefficients in kept order).
struct SelectedModel {
  Selection selection;
  LogisticFit fit;
};

// IV filter, correlation filter, VIF, stepwise, sign check; then the final fit.
Result<SelectedModel> SelectVariables(std::vector<Candidate> candidates, std::span<const uint8_t> bads,
                                      const SelectionOptions& options = {});

}  // namespace credo::modeling
