#include "population/documents.h"

#include <cmath>

#include "population/wide_variables.h"

namespace credo::population {
namespace {

void Date(data::JsonBuilder* out, std::string_view key, CivilDate date) {
  out->Key(key);
  out->String(date.ToString());
}

void Int(data::JsonBuilder* out, std::string_view key, int64_t value) {
  out->Key(key);
  out->Int(value);
}

void Text(data::JsonBuilder* out, std::string_view key, std::string_view value) {
  out->Key(key);
  out->String(value);
}

template <class T>
void OptionalInt(data::JsonBuilder* out, std::string_view key, const std::optional<T>& value) {
  if (value) Int(out, key, *value);
}

// The columns of the population file, in its order.
void AppendFlatAttributes(const Applicant& a, std::span<const double> wide, data::JsonBuilder* out) {
  Date(out, "application_date", a.application_date);
  Int(out, "age", a.age_years);
  Text(out, "gender", Name(a.gender));
  Text(out, "city_tier", Name(a.city_tier));
  Text(out, "education", Name(a.education));
  Text(out, "occupation", Name(a.occupation));
  OptionalInt(out, "monthly_income", a.monthly_income_yuan);
  Text(out, "channel", Name(a.channel));
  Text(out, "product", Name(a.product));
  Int(out, "requested_amount", a.requested_amount_yuan);
  Int(out, "requested_term_months", a.requested_term_months);
  Text(out, "device_os", Name(a.device_os));
  OptionalInt(out, "phone_tenure_months", a.phone_tenure_months);
  Int(out, "device_tenure_months", a.device_tenure_months);
  if (a.bureau) {
    const BureauSummary& b = *a.bureau;
    Int(out, "bureau_accounts_count", b.accounts);
    Int(out, "bureau_inquiries_1m", b.inquiries_1m);
    Int(out, "bureau_inquiries_3m", b.inquiries_3m);
    Int(out, "bureau_inquiries_6m", b.inquiries_6m);
    Int(out, "bureau_inquiries_12m", b.inquiries_12m);
    Int(out, "worst_dpd_24m", b.worst_dpd_24m);
    if (b.card_utilisation) {
      out->Key("card_utilisation");
      out->Number(*b.card_utilisation);
    }
    Int(out, "lenders_90d", b.lenders_90d);
  }
  Int(out, "bad", a.bad ? 1 : 0);
  for (size_t i = 0; i < wide.size(); ++i) {
    if (std::isnan(wide[i])) continue;
    out->Key(WideVariableName(static_cast<int>(i) + 1));
    out->Number(wide[i]);
  }
}

// `key`: [ write(record) for each record ].
template <class Record, class Write>
void List(data::JsonBuilder* out, std::string_view key, const std::vector<Record>& records, Write write) {
  out->Key(key);
  out->BeginArray();
  for (const Record& record : records) {
    out->BeginObject();
    Date(out, "date", record.date);
    write(record);
    out->EndObject();
  }
  out->EndArray();
}

}  // namespace

void AppendDocument(const Applicant& applicant, std::span<const double> wide, const ApplicantRecords& records,
                    data::JsonBuilder* out) {
  out->BeginObject();
  Text(out, "applicant_id", ApplicantId(applicant.row));
  Date(out, "observation_date", applicant.application_date);
  AppendFlatAttributes(applicant, wide, out);
  Text(out, "phone", records.phone);
  Text(out, "device_id", records.device_id);
  List(out, "bureau_accounts", records.bureau_accounts, [out](const BureauAccount& account) {
    Text(out, "account_type", Name(account.type));
    Text(out, "status", account.active ? "Active" : "Closed");
    Int(out, "credit_limit_fen", account.credit_limit_fen);
    Int(out, "balance_fen", account.balance_fen);
    Int(out, "overdue_fen", account.overdue_fen);
    Int(out, "max_dpd", account.max_dpd);
    List(out, "status_history", account.status_history, [out](const BureauMonth& month) {
      Int(out, "dpd", month.dpd);
      Int(out, "balance_fen", month.balance_fen);
    });
  });
  List(out, "bureau_inquiries", records.bureau_inquiries, [out](const BureauInquiry& inquiry) {
    Text(out, "lender_id", inquiry.lender_id);
    Text(out, "lender_type", Name(inquiry.lender_type));
  });
  List(out, "previous_applications", records.previous_applications,
       [out](const PreviousApplication& application) {
         Text(out, "product", Name(application.product));
         Int(out, "amount_fen", application.amount_fen);
         Int(out, "term_months", application.term_months);
         Text(out, "decision", Name(application.decision));
       });
  List(out, "installments", records.installments, [out](const Installment& installment) {
    Int(out, "amount_due_fen", installment.amount_due_fen);
    Int(out, "amount_paid_fen", installment.amount_paid_fen);
    Int(out, "days_late", installment.days_late);
  });
  List(out, "devices", records.devices, [out](const DeviceRecord& device) {
    Text(out, "device_id", device.device_id);
    Text(out, "os", Name(device.os));
  });
  List(out, "contacts", records.contacts, [out](const ContactRecord& contact) {
    Text(out, "phone", contact.phone);
    Text(out, "relation", Name(contact.relation));
  });
  out->EndObject();
}

}  // namespace credo::population
