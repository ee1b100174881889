// population/default_process.h — the known process by which synthetic
// applicants default.
//
// logit P(bad) = ObservedRiskLogit(applicant) + kUnobservedRiskWeight * unobserved_risk.
// The observed part is a fixed formula of the written columns, with
// non-linear effects and interactions (U-shaped age, diminishing returns of
// income, a utilisation threshold, inquiries x multi-lending, delinquency
// bands, thin file, missing income, channel); docs/population.md states every
// coefficient. Because unobserved_risk is independent of every column,
// ranking by ObservedRiskLogit is the best any model of the columns can do.
// Pure functions; thread-safe.
#pragma once

#include "population/applicant.h"

namespace credo::population {

// Weight of Applicant::unobserved_risk (a standard normal) in the logit.
inline constexpr double kUnobservedRiskWeight = 1.1;

// The part of the log-odds of default that the written columns determine.
double ObservedRiskLogit(const Applicant& applicant);

// P(bad) for this applicant: Logistic(observed logit + weight * unobserved_risk).
double TrueDefaultProbability(const Applicant& applicant);

}  // namespace credo::population
