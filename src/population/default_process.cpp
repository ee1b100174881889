#include "population/default_process.h"

#include <algorithm>
#include <array>

#include "population/portable_math.h"

namespace credo::population {
namespace {

// Calibrated so that the mean P(bad) is 8% (docs/population.md, "Calibration").
constexpr double kIntercept = -4.965;

constexpr std::array<double, 5> kEducation = {0.30, 0.12, 0.0, -0.18, -0.35};
constexpr std::array<double, 7> kOccupation = {-0.60, -0.35, 0.0, 0.20, 0.40, 0.30, 0.80};
constexpr std::array<double, 6> kChannel = {0.0, 0.12, 0.55, 0.45, -0.15, 0.25};
constexpr std::array<double, 3> kProduct = {0.0, -0.25, 0.12};

// Protection from income flattens above 12,000 yuan a month.
double IncomeTerm(const std::optional<int64_t>& monthly_income_yuan) {
  if (!monthly_income_yuan) return 0.45;  // not declaring income is itself a signal
  const double yuan = static_cast<double>(*monthly_income_yuan);
  return -0.70 * PortableLog(std::min(yuan, 12000.0) / 6000.0) -
         0.12 * PortableLog(std::max(yuan, 12000.0) / 12000.0);
}

double WorstDpdTerm(int worst_dpd_24m) {
  if (worst_dpd_24m < 0) return 0.35;  // a bureau record but no loan history
  if (worst_dpd_24m == 0) return 0.0;
  if (worst_dpd_24m < 30) return 0.75;
  if (worst_dpd_24m < 60) return 1.50;
  if (worst_dpd_24m < 90) return 2.00;
  return 2.50;
}

double BureauTerm(const std::optional<BureauSummary>& bureau) {
  if (!bureau) return 1.20;  // thin file
  const BureauSummary& b = *bureau;
  double logit = -0.05 * std::min(b.accounts, 10) + 0.12 * std::min(b.inquiries_1m, 5) +
                 0.10 * std::min(b.inquiries_3m, 15) + 0.15 * std::min(b.lenders_90d, 15) +
                 0.02 * std::min(b.lenders_90d * b.inquiries_3m, 80) + WorstDpdTerm(b.worst_dpd_24m);
  if (b.card_utilisation) {
    const double u = *b.card_utilisation;
    logit += 0.40 * u + (u > 0.8 ? 0.90 : 0.0) + (u > 1.0 ? 0.40 : 0.0);
  }
  return logit;
}

}  // namespace

double ObservedRiskLogit(const Applicant& a) {
  const double age_from_safest = a.age_years - 37;
  double logit = kIntercept + 0.0020 * age_from_safest * age_from_safest;
  logit += a.gender == Gender::kMale ? 0.15 : 0.0;
  logit += kEducation[static_cast<int>(a.education)];
  logit += kOccupation[static_cast<int>(a.occupation)];
  logit += IncomeTerm(a.monthly_income_yuan);
  logit += kChannel[static_cast<int>(a.channel)];
  logit += kProduct[static_cast<int>(a.product)];
  logit += 0.20 * PortableLog(static_cast<double>(a.requested_amount_yuan) / 5000.0);
  logit += a.device_os == DeviceOs::kIos ? -0.20 : 0.0;
  logit += !a.phone_tenure_months ? 0.25 : (*a.phone_tenure_months < 6 ? 0.50 : 0.0);
  logit += a.device_tenure_months < 3 ? 0.40 : 0.0;
  logit += BureauTerm(a.bureau);
  return logit;
}

double TrueDefaultProbability(const Applicant& a) {
  return Logistic(ObservedRiskLogit(a) + kUnobservedRiskWeight * a.unobserved_risk);
}

}  // namespace credo::population
