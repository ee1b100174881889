#include "population/applicant_records.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <optional>

#include "population/default_process.h"
#include "population/level_name.h"
#include "population/portable_math.h"
#include "population/row_random.h"

namespace credo::population {
namespace {

// Late records are added at these odds per in-time record, so that they are
// kLateRecordShare of all records.
constexpr double kLateOdds = kLateRecordShare / (1 - kLateRecordShare);
// Late records are dated 1..kLateDays days after the observation date.
constexpr int kLateDays = 60;
// Mean and standard deviation of ObservedRiskLogit + 1.1 * unobserved_risk
// (the full default log-odds) over the population: -3.45 and sqrt(1.28^2 + 1.1^2).
constexpr double kRiskMean = -3.45;
constexpr double kRiskSd = 1.69;
// Lenders L0000..L0299: banks, consumer-finance companies, online platforms, microlenders.
constexpr std::array<int, 4> kLendersBefore = {60, 160, 240, 300};
// Bureau months are dated this many days before a month boundary of the observation date.
constexpr int kMonthEndLagDays = 3;
constexpr int kHistoryMonths = 24;
constexpr int kTypicalAccounts = 20;
constexpr int kTypicalApplications = 10;
// Typical size: the approved previous applications' terms and how many of
// their instalments are due by the observation date (50 in all).
constexpr std::array<int, 5> kTypicalTerms = {6, 9, 12, 12, 18};
constexpr std::array<int, 5> kTypicalDue = {6, 9, 12, 12, 11};

template <class Records>
void SortByDate(Records* records) {
  std::stable_sort(records->begin(), records->end(),
                   [](const auto& a, const auto& b) { return a.date < b.date; });
}

// What every part of the generation needs.
struct Draw {
  RowRandom& rng;
  const Applicant& applicant;
  CivilDate observation;
  RecordSizes sizes;
  double risk_z;      // the applicant's full default log-odds, standardised
  double scale_yuan;  // monthly income, or 5,000 when not declared

  CivilDate DaysBefore(int days) const { return observation.AddDays(-days); }
  // Uniform on [low, high].
  int Between(int low, int high) { return low + static_cast<int>(rng.UniformInt(high - low + 1)); }
  CivilDate LateDate() { return observation.AddDays(Between(1, kLateDays)); }
  int LateCount(int in_time) { return rng.Binomial(in_time, kLateOdds); }
};

std::string Digits(RowRandom& rng, int count) {
  std::string digits(count, '0');
  for (char& c : digits) c = static_cast<char>('0' + rng.UniformInt(10));
  return digits;
}

// A mainland mobile number: 1, then 3/5/7/8/9, then nine digits.
std::string PhoneNumber(RowRandom& rng) {
  static constexpr std::array<char, 5> kSecond = {'3', '5', '7', '8', '9'};
  return std::string("1") + kSecond[rng.UniformInt(5)] + Digits(rng, 9);
}

// "D" and twelve upper-case hex digits.
std::string DeviceId(RowRandom& rng) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string id(13, 'D');
  uint64_t bits = rng.NextBits();
  for (size_t i = 1; i < id.size(); ++i, bits >>= 4) id[i] = kHex[bits & 0xF];
  return id;
}

BureauInquiry Inquiry(Draw& d, CivilDate date) {
  const int lender = static_cast<int>(d.rng.UniformInt(kLendersBefore.back()));
  char id[8];
  std::snprintf(id, sizeof id, "L%04d", lender);
  const auto type =
      std::upper_bound(kLendersBefore.begin(), kLendersBefore.end(), lender) - kLendersBefore.begin();
  return {date, id, static_cast<LenderType>(type)};
}

void AddDevices(Draw& d, ApplicantRecords* out) {
  // First seen device_tenure_months months and 1..27 days ago: a month has
  // at least 28 days, so the whole months since then are exactly the tenure.
  const CivilDate first_seen =
      d.observation.AddMonths(-d.applicant.device_tenure_months).AddDays(-d.Between(1, 27));
  out->device_id = DeviceId(d.rng);
  out->devices.push_back({first_seen, out->device_id, d.applicant.device_os});
  const auto other_os = [](DeviceOs os) {
    return os == DeviceOs::kIos ? DeviceOs::kAndroid : DeviceOs::kIos;
  };
  const int earlier = std::min(3, d.rng.Poisson(0.5));
  for (int i = 0; i < earlier; ++i) {
    const DeviceOs os = d.rng.Bernoulli(0.85) ? d.applicant.device_os : other_os(d.applicant.device_os);
    out->devices.push_back({first_seen.AddDays(-d.Between(30, 730)), DeviceId(d.rng), os});
  }
  for (int i = d.LateCount(1 + earlier); i > 0; --i) {
    const DeviceOs os = d.rng.Bernoulli(0.8) ? d.applicant.device_os : other_os(d.applicant.device_os);
    out->devices.push_back({d.LateDate(), DeviceId(d.rng), os});
  }
  SortByDate(&out->devices);
}

void AddContacts(Draw& d, ApplicantRecords* out) {
  static constexpr std::array<double, 5> kRelationWeights = {0.30, 0.25, 0.15, 0.20, 0.10};
  const int count = 1 + std::min(5, d.rng.Poisson(1.2));
  const int late = d.LateCount(count);
  for (int i = 0; i < count + late; ++i) {
    const CivilDate date = i < count ? d.DaysBefore(d.Between(1, 1095)) : d.LateDate();
    const auto relation = static_cast<ContactRelation>(d.rng.Categorical(kRelationWeights));
    out->contacts.push_back({date, PhoneNumber(d.rng), relation});
  }
  SortByDate(&out->contacts);
}

// Inquiries in the 1/3/6/12-month windows as the flat counts say, dated away
// from the window edges so that day windows (30/90/180/365 days) and calendar
// month windows count them alike; plus older ones (12 to 24 months).
void AddInquiries(Draw& d, const BureauSummary& bureau, ApplicantRecords* out) {
  struct Band {
    int count, youngest_days, oldest_days;
  };
  const std::array<Band, 5> bands = {{
      {bureau.inquiries_1m, 1, 27},
      {bureau.inquiries_3m - bureau.inquiries_1m, 32, 88},
      {bureau.inquiries_6m - bureau.inquiries_3m, 93, 179},
      {bureau.inquiries_12m - bureau.inquiries_6m, 185, 363},
      {d.rng.Poisson(std::min(60.0, 0.5 * bureau.inquiries_12m)), 370, 725},
  }};
  int in_time = 0;
  for (const Band& band : bands) {
    for (int i = 0; i < band.count; ++i) {
      out->bureau_inquiries.push_back(
          Inquiry(d, d.DaysBefore(d.Between(band.youngest_days, band.oldest_days))));
    }
    in_time += band.count;
  }
  for (int i = d.LateCount(in_time); i > 0; --i) out->bureau_inquiries.push_back(Inquiry(d, d.LateDate()));
  SortByDate(&out->bureau_inquiries);
}

// Rounds yuan to a multiple of `step` yuan (at least one step) and returns fen.
int64_t RoundedFen(double yuan, int64_t step) {
  return 100 * step * std::max<int64_t>(1, std::llround(yuan / static_cast<double>(step)));
}

int64_t CreditLimitFen(Draw& d, AccountType type) {
  switch (type) {
    case AccountType::kCreditCard:
      return RoundedFen(2.0 * d.scale_yuan * d.rng.LogNormal(0, 0.5), 1000);
    case AccountType::kConsumerLoan:
      return RoundedFen(3.0 * d.scale_yuan * d.rng.LogNormal(0, 0.6), 100);
    case AccountType::kCarLoan:
      return RoundedFen(15.0 * d.scale_yuan * d.rng.LogNormal(0, 0.4), 1000);
    case AccountType::kMortgage:
      return RoundedFen(120.0 * d.scale_yuan * d.rng.LogNormal(0, 0.5), 10000);
    case AccountType::kMicroloan:
      return RoundedFen(0.3 * d.scale_yuan * d.rng.LogNormal(0, 0.5), 100);
  }
  return 0;
}

int TermMonths(Draw& d, AccountType type) {
  static constexpr std::array<int, 4> kConsumer = {6, 12, 24, 36};
  static constexpr std::array<int, 3> kMicro = {1, 3, 6};
  static constexpr std::array<int, 3> kCar = {36, 48, 60};
  static constexpr std::array<int, 3> kMortgage = {120, 240, 360};
  switch (type) {
    case AccountType::kConsumerLoan:
      return kConsumer[d.rng.UniformInt(kConsumer.size())];
    case AccountType::kMicroloan:
      return kMicro[d.rng.UniformInt(kMicro.size())];
    case AccountType::kCarLoan:
      return kCar[d.rng.UniformInt(kCar.size())];
    case AccountType::kMortgage:
      return kMortgage[d.rng.UniformInt(kMortgage.size())];
    case AccountType::kCreditCard:
      break;
  }
  return 0;
}

// A loan's outstanding principal on `date`, repaid evenly from `open` to `end`.
int64_t LoanBalanceFen(int64_t principal_fen, CivilDate open, CivilDate end, CivilDate date) {
  const int64_t total = std::max(1, open.DaysUntil(end));
  const int64_t remaining = std::clamp<int64_t>(date.DaysUntil(end), 0, total);
  return principal_fen * remaining / total;
}

// The bureau accounts, their monthly history and its delinquency.
class AccountBuilder {
 public:
  AccountBuilder(Draw& d, const std::optional<BureauSummary>& bureau) : d_(d), bureau_(bureau) {}

  void Build(std::vector<BureauAccount>* out) {
    const bool typical = d_.sizes == RecordSizes::kTypical;
    const int count = typical ? kTypicalAccounts : (bureau_ ? bureau_->accounts : 0);
    if (count == 0) return;
    const int worst_dpd = bureau_ ? std::max(0, bureau_->worst_dpd_24m) : 0;
    const bool has_card = bureau_ && bureau_->card_utilisation;
    // Accounts [0, cards) are the active cards, the last `recent` ones were
    // opened in the last 90 days, and `delinquent` holds the worst dpd.
    const int cards = has_card ? 1 + d_.rng.Binomial(std::min(count - 1, 2), 0.3) : 0;
    const int recent =
        typical ? 0 : std::min(count, d_.rng.Binomial(std::min(bureau_->lenders_90d, 20), 0.35));
    const int delinquent = worst_dpd > 0 ? static_cast<int>(d_.rng.UniformInt(count)) : -1;
    const int life_days = std::clamp((d_.applicant.age_years - 18) * 365 + 180, 120, 3650);
    for (int i = 0; i < count; ++i) {
      int open_days;
      if (typical) {
        open_days = d_.Between(735, 3650);  // 24 whole months of history
      } else if (i == delinquent) {
        open_days = d_.Between(30, std::min(life_days, 700));  // some history in the last 24 months
      } else if (i >= count - recent) {
        open_days = d_.Between(1, 89);
      } else {
        open_days = d_.Between(90, life_days);
      }
      accounts_.push_back(Plan(d_.DaysBefore(open_days), i < cards, typical || i == delinquent));
    }
    if (has_card) SetCardBalances(cards, *bureau_->card_utilisation);
    if (delinquent >= 0) AddDelinquency(worst_dpd, delinquent);
    for (PlannedAccount& planned : accounts_) {
      Finish(&planned);
      out->push_back(std::move(planned.account));
    }
    for (int i = d_.LateCount(count); i > 0; --i) out->push_back(LateAccount());
    SortByDate(out);
  }

 private:
  struct PlannedAccount {
    BureauAccount account;
    int term_months = 0;  // loans
  };

  // An account opened on `open`; `active_card` is one of the cards behind
  // card_utilisation; a `reporting` account is open at the observation date.
  PlannedAccount Plan(CivilDate open, bool active_card, bool reporting) {
    PlannedAccount planned;
    BureauAccount& account = planned.account;
    account.date = open;
    account.type = active_card ? AccountType::kCreditCard : OtherType(reporting);
    account.credit_limit_fen = CreditLimitFen(d_, account.type);
    const bool card = account.type == AccountType::kCreditCard;
    CivilDate end = d_.observation;  // matured, closed, or still open
    if (card) {
      // A card other than the active ones was closed after 6 months to 4 years.
      account.active = active_card;
      if (!active_card) end = std::max(open, std::min(open.AddDays(d_.Between(180, 1460)), d_.DaysBefore(1)));
    } else {
      planned.term_months = TermMonths(d_, account.type);
      while (reporting && open.AddMonths(planned.term_months) <= d_.observation) planned.term_months += 12;
      end = open.AddMonths(planned.term_months);
      account.active = end > d_.observation;
      if (account.active)
        account.balance_fen = LoanBalanceFen(account.credit_limit_fen, open, end, d_.observation);
    }
    for (int k = kHistoryMonths - 1; k >= 0; --k) {
      const CivilDate month = d_.observation.AddMonths(-k).AddDays(-kMonthEndLagDays);
      if (month < open || (!account.active && month > end)) continue;
      const int64_t balance =
          card ? std::llround(static_cast<double>(account.credit_limit_fen) * 0.8 * d_.rng.Uniform())
               : LoanBalanceFen(account.credit_limit_fen, open, end, month);
      account.status_history.push_back({month, 0, balance});
    }
    return planned;
  }

  // The type of an account that is not one of the active cards: a reporting
  // one is a loan; other card accounts are closed ones.
  AccountType OtherType(bool reporting) {
    const bool many_lenders = bureau_ && bureau_->lenders_90d >= 3;
    const std::array<double, 5> weights = {
        reporting ? 0.0 : 0.22,                     // credit card (closed)
        0.45,                                       // consumer loan
        0.09,                                       // car loan
        d_.applicant.age_years >= 25 ? 0.06 : 0.0,  // mortgage
        many_lenders ? 0.35 : 0.18,                 // microloan
    };
    return static_cast<AccountType>(d_.rng.Categorical(weights));
  }

  // Active cards' balances: their total over their total limit is exactly
  // the utilisation (limits are whole thousands of yuan, the utilisation has
  // three decimals). The monthly history leads up to the current balance.
  void SetCardBalances(int cards, double utilisation) {
    const int64_t thousandths = std::llround(utilisation * 1000);
    for (int i = 0; i < cards; ++i) {
      BureauAccount& card = accounts_[i].account;
      card.balance_fen = card.credit_limit_fen / 1000 * thousandths;
      for (BureauMonth& month : card.status_history) {
        month.balance_fen =
            std::llround(static_cast<double>(card.balance_fen) * (0.5 + 0.7 * d_.rng.Uniform()));
      }
      if (!card.status_history.empty()) card.status_history.back().balance_fen = card.balance_fen;
    }
  }

  // One delinquency episode peaking at `worst` dpd in a month of account
  // `delinquent`, 30 days less each month before; and, on a quarter of the
  // other accounts, one month of a smaller dpd (1..29).
  void AddDelinquency(int worst, int delinquent) {
    std::vector<BureauMonth>& history = accounts_[delinquent].account.status_history;
    assert(!history.empty());
    const auto peak = static_cast<int>(d_.rng.UniformInt(static_cast<int64_t>(history.size())));
    for (int i = peak, dpd = worst; i >= 0 && dpd > 0; --i, dpd -= 30) history[i].dpd = dpd;
    for (int a = 0; a < static_cast<int>(accounts_.size()); ++a) {
      std::vector<BureauMonth>& other = accounts_[a].account.status_history;
      if (a == delinquent || other.empty() || !d_.rng.Bernoulli(0.25)) continue;
      other[d_.rng.UniformInt(static_cast<int64_t>(other.size()))].dpd = d_.Between(1, std::min(worst, 29));
    }
  }

  // max_dpd and the overdue amount from the history up to the observation
  // date; then the late-arriving months (a new delinquency in 30% of them).
  void Finish(PlannedAccount* planned) {
    BureauAccount& account = planned->account;
    for (const BureauMonth& month : account.status_history)
      account.max_dpd = std::max(account.max_dpd, month.dpd);
    const int current_dpd = account.status_history.empty() ? 0 : account.status_history.back().dpd;
    if (account.active && current_dpd > 0) {
      const int64_t monthly_fen = account.type == AccountType::kCreditCard
                                      ? std::max<int64_t>(10000, account.balance_fen / 10)
                                      : account.credit_limit_fen / planned->term_months;
      account.overdue_fen = monthly_fen * ((current_dpd + 29) / 30);
    }
    const int late = d_.LateCount(static_cast<int>(account.status_history.size()));
    const int64_t balance = account.status_history.empty() ? 0 : account.status_history.back().balance_fen;
    for (int m = 1; m <= late; ++m) {
      const int dpd = d_.rng.Bernoulli(0.3) ? d_.Between(30, 119) : 0;
      account.status_history.push_back(
          {d_.observation.AddMonths(m).AddDays(-kMonthEndLagDays), dpd, balance});
    }
  }

  // A loan opened after the observation date.
  BureauAccount LateAccount() {
    BureauAccount account;
    account.date = d_.LateDate();
    account.type = OtherType(/*reporting=*/true);
    account.credit_limit_fen = CreditLimitFen(d_, account.type);
    account.balance_fen = account.credit_limit_fen;
    return account;
  }

  Draw& d_;
  const std::optional<BureauSummary>& bureau_;
  std::vector<PlannedAccount> accounts_;
};

PreviousApplication Application(Draw& d, CivilDate date, ApplicationDecision decision) {
  static constexpr std::array<double, 3> kProducts = {0.5, 0.25, 0.25};
  static constexpr std::array<int, 6> kTerms = {3, 6, 9, 12, 18, 24};
  PreviousApplication application;
  application.date = date;
  application.product =
      d.rng.Bernoulli(0.5) ? d.applicant.product : static_cast<Product>(d.rng.Categorical(kProducts));
  const double yuan = static_cast<double>(d.applicant.requested_amount_yuan) * d.rng.LogNormal(0, 0.5);
  application.amount_fen = 100 * std::clamp<int64_t>(100 * std::llround(yuan / 100), 500, 50000);
  application.term_months = kTerms[d.rng.UniformInt(kTerms.size())];
  application.decision = decision;
  return application;
}

// Refused with P = logistic(-1.2 + 0.8 z), else canceled 10% of the time, else approved.
ApplicationDecision Decide(Draw& d) {
  const double refused = Logistic(-1.2 + 0.8 * d.risk_z);
  const double u = d.rng.Uniform();
  if (u < refused) return ApplicationDecision::kRefused;
  return u < refused + 0.1 * (1 - refused) ? ApplicationDecision::kCanceled : ApplicationDecision::kApproved;
}

// The instalments of an approved application due by the observation date:
// each late with P = logistic(-2.4 + 0.9 z), then paid 1..120 days late and,
// one time in four, only in part.
void AddInstallments(Draw& d, const PreviousApplication& loan, std::vector<Installment>* out) {
  const int64_t term = loan.term_months;
  // The principal plus 1.5% a month, in equal parts, rounded up to the fen.
  const int64_t due_fen = (loan.amount_fen * (1000 + 15 * term) + 1000 * term - 1) / (1000 * term);
  const double p_late = Logistic(-2.4 + 0.9 * d.risk_z);
  for (int month = 1; month <= loan.term_months; ++month) {
    const CivilDate due = loan.date.AddMonths(month);
    if (due > d.observation) break;
    Installment installment{due, due_fen, due_fen, 0};
    if (d.rng.Bernoulli(p_late)) {
      installment.days_late =
          1 + std::min(119, static_cast<int>(d.rng.LogNormal(1.8 + 0.3 * std::max(0.0, d.risk_z), 0.9)));
      if (d.rng.Bernoulli(0.25)) installment.amount_paid_fen = due_fen * d.Between(50, 99) / 100;
    }
    out->push_back(installment);
  }
}

void AddApplicationsAndInstallments(Draw& d, ApplicantRecords* out) {
  std::vector<PreviousApplication>& applications = out->previous_applications;
  if (d.sizes == RecordSizes::kTypical) {
    // Five approved loans with 50 instalments due between them, five not approved.
    for (size_t i = 0; i < kTypicalTerms.size(); ++i) {
      const int term = kTypicalTerms[i];
      CivilDate date;
      if (kTypicalDue[i] == term) {  // repaid: taken 1 to 25 months before the term ran out
        date = d.observation.AddMonths(-(term + d.Between(1, 25))).AddDays(-d.Between(0, 27));
      } else {  // kTypicalDue[i] due: on or before the same day of the month, that many months ago
        const CivilDate months_ago = d.observation.AddMonths(-kTypicalDue[i]);
        date = months_ago.AddDays(-d.Between(0, months_ago.day() - 1));
      }
      PreviousApplication loan = Application(d, date, ApplicationDecision::kApproved);
      loan.term_months = term;
      applications.push_back(loan);
    }
    for (int i = 0; i < kTypicalApplications - static_cast<int>(kTypicalTerms.size()); ++i) {
      const auto decision =
          d.rng.Bernoulli(0.7) ? ApplicationDecision::kRefused : ApplicationDecision::kCanceled;
      applications.push_back(Application(d, d.DaysBefore(d.Between(30, 1459)), decision));
    }
  } else {
    const int count = d.rng.Poisson(std::min(60.0, PortableExp(0.25 * d.risk_z)));
    for (int i = 0; i < count; ++i) {
      const CivilDate date = d.DaysBefore(d.Between(30, 1459));
      applications.push_back(Application(d, date, Decide(d)));
    }
  }
  for (const PreviousApplication& application : applications) {
    if (application.decision == ApplicationDecision::kApproved)
      AddInstallments(d, application, &out->installments);
  }
  const int in_time_applications = static_cast<int>(applications.size());
  for (int i = d.LateCount(in_time_applications); i > 0; --i) {
    applications.push_back(Application(d, d.LateDate(), Decide(d)));
  }
  // Instalments falling due after the observation date, not paid yet.
  const int in_time_installments = static_cast<int>(out->installments.size());
  for (int i = d.LateCount(in_time_installments); i > 0; --i) {
    const int64_t due_fen = out->installments[d.rng.UniformInt(in_time_installments)].amount_due_fen;
    out->installments.push_back({d.LateDate(), due_fen, 0, 0});
  }
  SortByDate(&applications);
  SortByDate(&out->installments);
}

}  // namespace

ApplicantRecords GenerateRecords(uint64_t seed, const Applicant& applicant, RecordSizes sizes) {
  RowRandom rng(seed, applicant.row, RowStream::kRecords);
  const double risk_logit = ObservedRiskLogit(applicant) + kUnobservedRiskWeight * applicant.unobserved_risk;
  Draw d{rng,
         applicant,
         applicant.application_date,
         sizes,
         (risk_logit - kRiskMean) / kRiskSd,
         static_cast<double>(applicant.monthly_income_yuan.value_or(5000))};
  ApplicantRecords records;
  records.phone = PhoneNumber(rng);
  AddDevices(d, &records);
  AddContacts(d, &records);
  if (applicant.bureau) AddInquiries(d, *applicant.bureau, &records);
  AccountBuilder(d, applicant.bureau).Build(&records.bureau_accounts);
  AddApplicationsAndInstallments(d, &records);
  return records;
}

std::string_view Name(AccountType value) {
  static constexpr std::array<std::string_view, 5> kNames = {"Credit card", "Consumer loan", "Car loan",
                                                             "Mortgage", "Microloan"};
  return LevelName(value, kNames);
}
std::string_view Name(LenderType value) {
  static constexpr std::array<std::string_view, 4> kNames = {"bank", "consumer_finance", "online_platform",
                                                             "microlender"};
  return LevelName(value, kNames);
}
std::string_view Name(ApplicationDecision value) {
  static constexpr std::array<std::string_view, 3> kNames = {"Approved", "Refused", "Canceled"};
  return LevelName(value, kNames);
}
std::string_view Name(ContactRelation value) {
  static constexpr std::array<std::string_view, 5> kNames = {"parent", "spouse", "sibling", "friend",
                                                             "colleague"};
  return LevelName(value, kNames);
}

}  // namespace credo::population
