#include "server/loan_routes.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "core/money.h"
#include "ledger/json_views.h"
#include "ledger/ledger.h"
#include "ledger/open_store.h"
#include "lending/offer.h"

namespace credo::server {
namespace {

using nlohmann::json;

// The JSON path of a body field: "amount" -> "$.amount".
std::string FieldPath(std::string_view name) { return "$." + std::string(name); }

// A request body read field by field; each fault names its field ("$.amount").
class Body {
 public:
  // kUsage (answered 400 invalid_json) when `text` is not JSON, kInvalidInput
  // when it is JSON but not an object.
  static Result<Body> Parse(std::string_view text) {
    json parsed = json::parse(text, nullptr, false);
    if (parsed.is_discarded()) return Status(ErrorCode::kUsage, "the body is not valid JSON", "$");
    if (!parsed.is_object()) {
      return Status::Invalid(std::string("the body must be a JSON object, not ") + parsed.type_name(), "$");
    }
    return Body(std::move(parsed));
  }

  // Whether the field is there and not null.
  bool Has(std::string_view name) const {
    auto it = fields_.find(name);
    return it != fields_.end() && !it->is_null();
  }
  // A required non-empty string.
  Result<std::string> Text(std::string_view name) const { return String(name, "a non-empty string"); }
  // An optional string: "" when absent or null.
  Result<std::string> OptionalText(std::string_view name) const {
    return Has(name) ? Text(name) : Result<std::string>(std::string());
  }
  // A required amount of money: a decimal string of yuan, at most two decimals.
  Result<int64_t> Money(std::string_view name) const {
    CREDO_ASSIGN_OR_RETURN(const std::string text, String(name, "a decimal string such as \"2700.00\""));
    Result<int64_t> fen = ParseMoneyFen(text);
    if (!fen.ok()) return Status::Invalid(fen.status().message(), FieldPath(name));
    return fen;
  }
  // A required date, "YYYY-MM-DD".
  Result<CivilDate> Date(std::string_view name) const {
    CREDO_ASSIGN_OR_RETURN(const std::string text, String(name, "a date \"YYYY-MM-DD\""));
    Result<CivilDate> date = CivilDate::Parse(text);
    if (!date.ok()) return Status::Invalid(date.status().message(), FieldPath(name));
    return date;
  }
  // A required integer.
  Result<int64_t> Integer(std::string_view name) const {
    if (!Has(name)) return Missing(name);
    const json& value = *fields_.find(name);
    if (!value.is_number_integer()) return Status::Invalid("must be an integer", FieldPath(name));
    return value.get<int64_t>();
  }
  // A required term in months, 1..kMaxTermMonths.
  Result<int> Months(std::string_view name) const {
    CREDO_ASSIGN_OR_RETURN(const int64_t months, Integer(name));
    if (months < 1 || months > lending::kMaxTermMonths) {
      return Status::Invalid("must be 1.." + std::to_string(lending::kMaxTermMonths) + " months",
                             FieldPath(name));
    }
    return static_cast<int>(months);
  }
  // A required name of one of an enum's values, read by `parse` ("half-up").
  template <class Enum>
  Result<Enum> Named(std::string_view name, Result<Enum> (*parse)(std::string_view)) const {
    CREDO_ASSIGN_OR_RETURN(const std::string text, Text(name));
    Result<Enum> parsed = parse(text);
    if (!parsed.ok()) return Status::Invalid(parsed.status().message(), FieldPath(name));
    return parsed;
  }
  // An optional object: null when absent.
  Result<json> OptionalObject(std::string_view name) const {
    if (!Has(name)) return json(nullptr);
    const json& value = *fields_.find(name);
    if (!value.is_object()) return Status::Invalid("must be a JSON object", FieldPath(name));
    return value;
  }

 private:
  explicit Body(json fields) : fields_(std::move(fields)) {}

  static Status Missing(std::string_view name) {
    return Status::Invalid("'" + std::string(name) + "' is required", FieldPath(name));
  }
  // A required non-empty string; `what` says what it should be.
  Result<std::string> String(std::string_view name, const char* what) const {
    if (!Has(name)) return Missing(name);
    const json& value = *fields_.find(name);
    if (!value.is_string() || value.get_ref<const std::string&>().empty())
      return Status::Invalid(std::string("must be ") + what, FieldPath(name));
    return value.get<std::string>();
  }

  json fields_;
};

// Where a ledger or lending fault is in the request: their field names
// become body paths ("amount" -> "$.amount"), the loan or line of the URL
// "id", a rate "$.apr_bps"; a store fault (500) points at the whole body.
std::string RequestPath(const Status& status) {
  const std::string& path = status.path();
  const bool about_request = status.code() == ErrorCode::kInvalidInput ||
                             status.code() == ErrorCode::kNotFound || status.code() == ErrorCode::kConflict;
  if (!about_request || path.empty()) return "$";
  if (path.starts_with("$") || path == "id") return path;
  if (path == "loan" || path == "loan_id" || path == "line" || path == "line_id" || path == "customer")
    return "id";
  if (path == "rate") return "$.apr_bps";
  if (path == "new_limit") return "$.limit";
  return FieldPath(path);
}

// The error reply for a failed call: 400 for a body that is not JSON, else
// by its code (ErrorReply), at the request path of the fault.
Reply Failure(const Status& status) {
  if (status.code() == ErrorCode::kUsage) return ErrorReply(400, "invalid_json", status.message(), "$");
  return ErrorReply(Status(status.code(), status.message(), RequestPath(status)));
}

// 201 for what a request created, 200 with "replayed": true when its
// request key had created it before.
Reply Created(json body, bool replayed) {
  body["replayed"] = replayed;
  return {replayed ? 200 : 201, body.dump(), ""};
}

// The answer to a money-moving call: its result, created or replayed.
template <class PostResult>
Reply Posted(const Result<PostResult>& result) {
  if (!result.ok()) return Failure(result.status());
  return Created(ledger::ToJson(*result), result->replayed);
}

// The answer to a call that reads or moves no money.
template <class View>
Reply Shown(const Result<View>& result) {
  if (!result.ok()) return Failure(result.status());
  return {200, ledger::ToJson(*result).dump(), ""};
}

// The id in a URL: a positive integer, or a 404 naming `what` ("loan").
Result<int64_t> IdOf(std::string_view id, const char* what) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (error != std::errc() || end != id.data() + id.size() || value <= 0)
    return Status::NotFound("no " + std::string(what) + " '" + std::string(id) + "'", "id");
  return value;
}

// The body fields a loan's pricing is read from: a loan says "principal"
// and "start", a draw "amount" and "date".
struct PricingFields {
  const char* amount;
  const char* start;
};
constexpr PricingFields kLoanPricing{"principal", "start"};
constexpr PricingFields kDrawPricing{"amount", "date"};

// A lending fault at its body field: principal, term and rate are the
// request's; fees come from the product (or, for a plain flat-fee loan,
// from apr_bps).
Status AtPricingField(const Status& status, PricingFields fields, bool with_product) {
  const std::string& field = status.path();
  std::string path;
  if (field == "principal")
    path = FieldPath(fields.amount);
  else if (field == "term")
    path = "$.term";
  else if (field == "rate")
    path = "$.apr_bps";
  else if (field == "start")
    path = FieldPath(fields.start);
  else if (field == "method")
    path = "$.method";
  else
    path = with_product ? "$.product" : "$.apr_bps";
  return {status.code(), status.message(), path};
}

// Prices what the body asks to borrow, with `product` (nullptr: a plain
// monthly loan, apr_bps required), checked against the APR cap.
Result<lending::Schedule> Price(const Body& body, const lending::Product* product, PricingFields fields) {
  lending::OfferRequest request;
  CREDO_ASSIGN_OR_RETURN(request.principal_fen, body.Money(fields.amount));
  CREDO_ASSIGN_OR_RETURN(request.term_months, body.Months("term"));
  if (body.Has("apr_bps")) {
    CREDO_ASSIGN_OR_RETURN(request.rate_bps, body.Integer("apr_bps"));
  }
  CREDO_ASSIGN_OR_RETURN(request.start, body.Date(fields.start));
  if (body.Has("rounding")) {
    CREDO_ASSIGN_OR_RETURN(request.rounding, body.Named("rounding", lending::ParseRoundingMode));
  }
  std::optional<lending::RepaymentMethod> method;
  if (body.Has("method")) {
    CREDO_ASSIGN_OR_RETURN(method, body.Named("method", lending::ParseRepaymentMethod));
  }
  Result<lending::Schedule> schedule = lending::PriceRequest(request, method, product);
  if (!schedule.ok()) return AtPricingField(schedule.status(), fields, product != nullptr);
  return schedule;
}

// What the pre-disbursement check decides on: the application (the body's
// `application`, a decision request; or {"applicant": the body's
// `applicant`}) with the loan about to be paid out as its `loan` member.
json CheckInput(json application, const ledger::OpenLoanRequest& loan) {
  const lending::LoanTerms& terms = loan.schedule.terms;
  application["loan"] = {{"customer_id", loan.customer_id.empty() ? json(nullptr) : json(loan.customer_id)},
                         {"product", loan.product},
                         {"principal_fen", terms.principal_fen},
                         {"term_months", terms.term_months},
                         {"apr_irr_bps", loan.schedule.apr_irr_bps},
                         {"start", terms.start.ToString()}};
  return application;
}

// The application a pre-disbursement check decides on: the body's
// `application` object, or its `applicant` object as {"applicant": ...}.
Result<json> ApplicationOf(const Body& body) {
  CREDO_ASSIGN_OR_RETURN(json application, body.OptionalObject("application"));
  CREDO_ASSIGN_OR_RETURN(json applicant, body.OptionalObject("applicant"));
  if (!application.is_null() && !applicant.is_null())
    return Status::Invalid("give the application or the applicant, not both", "$.applicant");
  if (!application.is_null()) return application;
  return json{{"applicant", std::move(applicant)}};
}

// Decides with `strategy` on `application` whether `loan` may be paid out:
// nullopt when the decision's output.decision is "approve"; else the reply
// that refuses it, 422 "declined" at `application_path` with the decision
// and its reasons (any other decision: "decline", "refer", none), or 422
// "check_failed" when the strategy could not decide (unknown, or failing on
// this input).
std::optional<Reply> RefusalOf(DecisionService& decisions, const std::string& strategy,
                               const json& application, const std::string& application_path,
                               const ledger::OpenLoanRequest& loan) {
  const Reply decided = decisions.Decide(strategy, CheckInput(application, loan).dump(), false);
  const json answer = json::parse(decided.body, nullptr, false);
  if (decided.http_status != 200) {
    const std::string why = answer.is_object() && answer.contains("error")
                                ? answer["error"].value("message", decided.body)
                                : decided.body;
    return ErrorReply(422, "check_failed", "the pre-disbursement check '" + strategy + "' failed: " + why,
                      "$.check_strategy");
  }
  const json output = answer.value("output", json(nullptr));
  const json decision = output.is_object() ? output.value("decision", json(nullptr)) : json(nullptr);
  if (decision == "approve") return std::nullopt;
  const json reasons = answer.value("reasons", json::array());
  const json body = {
      {"error",
       {{"code", "declined"},
        {"message", "the pre-disbursement check '" + strategy + "' did not approve the loan (decision " +
                        decision.dump() + ", reasons " + reasons.dump() + ")"},
        {"path", application_path}}},
      {"decision",
       {{"decision_id", answer.value("decision_id", "")},
        {"strategy", strategy},
        {"version", answer.value("version", json(nullptr))},
        {"decision", decision},
        {"reasons", reasons}}}};
  return Reply{422, body.dump(), "declined"};
}

// The end-of-day policy of every product in `catalogue`.
ledger::EodPolicies PoliciesOf(const ProductCatalogue& catalogue) {
  ledger::EodPolicies policies;
  for (const auto& [name, product] : catalogue) policies.by_product[name] = ledger::PolicyOf(product);
  return policies;
}

// The catalogue product a loan body names (nullptr for plain terms); a
// revolving line is drawn on, not opened as a loan.
Result<const lending::Product*> LoanProduct(const ProductCatalogue& catalogue, const Body& body) {
  CREDO_ASSIGN_OR_RETURN(const std::string name, body.OptionalText("product"));
  if (name.empty()) return static_cast<const lending::Product*>(nullptr);
  auto found = catalogue.find(name);
  if (found == catalogue.end())
    return Status::Invalid("no product '" + name + "' in the catalogue", "$.product");
  if (found->second.kind == lending::ProductKind::kRevolvingLine) {
    return Status::Invalid("product '" + name + "' is a revolving line: open a credit line and draw on it",
                           "$.product");
  }
  return &found->second;
}

// Prices the loan a POST /v1/loans body asks for and opens it.
Result<ledger::OpenLoanResult> OpenStandalone(ledger::Ledger& book, const ProductCatalogue& catalogue,
                                              const Body& body, const std::string& key) {
  CREDO_ASSIGN_OR_RETURN(const lending::Product* product, LoanProduct(catalogue, body));
  CREDO_ASSIGN_OR_RETURN(const std::string customer_id, body.OptionalText("customer_id"));
  CREDO_ASSIGN_OR_RETURN(lending::Schedule schedule, Price(body, product, kLoanPricing));
  return book.OpenLoan({key, product != nullptr ? product->name : "plain", std::move(schedule), customer_id});
}

// The catalogue product credit line `line_id` draws with (`product`); a
// conflict when this server's catalogue does not have it.
Result<const lending::Product*> LineProduct(const ProductCatalogue& catalogue, int64_t line_id,
                                            const std::string& product) {
  auto found = catalogue.find(product);
  if (found == catalogue.end()) {
    return Status(ErrorCode::kConflict,
                  "credit line " + std::to_string(line_id) + " draws with product '" + product +
                      "', which this server's catalogue does not have",
                  "id");
  }
  return &found->second;
}

// Prices a draw with the product of line `line_id` and draws it.
Result<ledger::OpenLoanResult> DrawOnLine(ledger::Ledger& book, const ProductCatalogue& catalogue,
                                          const Body& body, const std::string& key, int64_t line_id) {
  CREDO_ASSIGN_OR_RETURN(const ledger::CreditLineView line, book.GetCreditLine(line_id));
  CREDO_ASSIGN_OR_RETURN(const lending::Product* product, LineProduct(catalogue, line_id, line.line.product));
  CREDO_ASSIGN_OR_RETURN(lending::Schedule schedule, Price(body, product, kDrawPricing));
  return book.Draw({key, line_id, std::move(schedule)});
}

// GET of a loan, shown by `view`.
Reply ShowLoan(ledger::LedgerStore& store, std::string_view id, json (*view)(const ledger::LoanRecord&)) {
  Result<int64_t> loan_id = IdOf(id, "loan");
  if (!loan_id.ok()) return Failure(loan_id.status());
  Result<ledger::LoanRecord> loan = ledger::Ledger(store).GetLoan(*loan_id);
  if (!loan.ok()) return Failure(loan.status());
  return {200, view(*loan).dump(), ""};
}

// Answers a money-moving call on the loan of the URL: reads the loan id, the
// body's request_key and the rest of the request (`read_rest`), then posts it
// with `post` on `store` while holding `mutex`. A fault is answered at its field.
template <class Request, class PostResult>
Reply PostOnLoan(std::mutex& mutex, ledger::LedgerStore& store, std::string_view id, std::string_view text,
                 Status (*read_rest)(const Body&, Request&),
                 Result<PostResult> (ledger::Ledger::*post)(const Request&)) {
  auto request = [&]() -> Result<Request> {
    Request r;
    CREDO_ASSIGN_OR_RETURN(r.loan_id, IdOf(id, "loan"));
    CREDO_ASSIGN_OR_RETURN(const Body body, Body::Parse(text));
    CREDO_ASSIGN_OR_RETURN(r.request_key, body.Text("request_key"));
    CREDO_RETURN_IF_ERROR(read_rest(body, r));
    return r;
  }();
  if (!request.ok()) return Failure(request.status());
  std::lock_guard lock(mutex);
  ledger::Ledger book(store);
  return Posted((book.*post)(*request));
}

// The rest of POST /v1/loans/{id}/repayments: {amount, date}.
Status ReadRepayment(const Body& body, ledger::RepaymentRequest& r) {
  CREDO_ASSIGN_OR_RETURN(r.amount_fen, body.Money("amount"));
  CREDO_ASSIGN_OR_RETURN(r.date, body.Date("date"));
  return Status::Ok();
}

// The rest of POST /v1/loans/{id}/prepayments: {amount, date, mode}.
Status ReadPrepayment(const Body& body, ledger::PrepaymentRequest& r) {
  CREDO_ASSIGN_OR_RETURN(r.amount_fen, body.Money("amount"));
  CREDO_ASSIGN_OR_RETURN(r.date, body.Date("date"));
  CREDO_ASSIGN_OR_RETURN(r.mode, body.Named("mode", ledger::ParsePrepaymentMode));
  return Status::Ok();
}

// The rest of POST /v1/loans/{id}/reversals: {repayment_key, date, reason}.
Status ReadReversal(const Body& body, ledger::ReversalRequest& r) {
  CREDO_ASSIGN_OR_RETURN(r.repayment_key, body.Text("repayment_key"));
  CREDO_ASSIGN_OR_RETURN(r.date, body.Date("date"));
  CREDO_ASSIGN_OR_RETURN(r.reason, body.Text("reason"));
  return Status::Ok();
}

// The rest of POST /v1/loans/{id}/write-off: {date, reason}.
Status ReadWriteOff(const Body& body, ledger::WriteOffRequest& r) {
  CREDO_ASSIGN_OR_RETURN(r.date, body.Date("date"));
  CREDO_ASSIGN_OR_RETURN(r.reason, body.Text("reason"));
  return Status::Ok();
}

}  // namespace

Result<ProductCatalogue> LoadProductCatalogue(const std::string& dir) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error))
    return Status::NotFound("no products directory '" + dir + "'", dir);
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ProductCatalogue catalogue;
  std::map<std::string, std::string> file_of;
  for (const std::filesystem::path& file : files) {
    CREDO_ASSIGN_OR_RETURN(lending::Product product, lending::LoadProductFile(file.string()));
    const auto [seen, fresh] = file_of.emplace(product.name, file.string());
    if (!fresh) {
      return Status::Invalid("product '" + product.name + "' is defined twice, also in " + seen->second,
                             file.string());
    }
    catalogue.emplace(product.name, std::move(product));
  }
  return catalogue;
}

Result<std::unique_ptr<LoanService>> LoanService::Open(const LoanServiceOptions& options) {
  if (!options.default_check_strategy.empty() && options.decisions == nullptr)
    return Status::Usage("a default pre-disbursement check needs a decision service");
  ProductCatalogue catalogue;
  if (!options.products_dir.empty()) {
    CREDO_ASSIGN_OR_RETURN(catalogue, LoadProductCatalogue(options.products_dir));
  }
  CREDO_ASSIGN_OR_RETURN(std::unique_ptr<ledger::LedgerStore> store,
                         ledger::OpenLedgerStore(options.ledger_db));
  return std::unique_ptr<LoanService>(new LoanService(std::move(store), std::move(catalogue), options));
}

LoanService::LoanService(std::unique_ptr<ledger::LedgerStore> store, ProductCatalogue catalogue,
                         const LoanServiceOptions& options)
    : store_(std::move(store)),
      catalogue_(std::move(catalogue)),
      eod_policies_(PoliciesOf(catalogue_)),
      decisions_(options.decisions),
      default_check_strategy_(options.default_check_strategy) {}

Reply LoanService::Disburse(std::string_view text, int64_t line_id) {
  Result<Body> parsed = Body::Parse(text);
  if (!parsed.ok()) return Failure(parsed.status());
  const Body& body = *parsed;
  Result<std::string> key = body.Text("request_key");
  if (!key.ok()) return Failure(key.status());
  Result<std::string> named_check = body.OptionalText("check_strategy");
  if (!named_check.ok()) return Failure(named_check.status());
  const std::string check = named_check->empty() ? default_check_strategy_ : *named_check;
  if (!check.empty() && decisions_ == nullptr)
    return ErrorReply(422, "invalid_input", "this server runs no decision strategies", "$.check_strategy");
  Result<json> application = ApplicationOf(body);
  if (!application.ok()) return Failure(application.status());
  const std::string application_path = body.Has("application") ? "$.application" : "$.applicant";

  std::lock_guard lock(mutex_);
  ledger::Ledger book(*store_);
  std::optional<Reply> refusal;
  if (!check.empty()) {
    book.SetDisbursementCheck([&](const ledger::OpenLoanRequest& loan) -> Status {
      refusal = RefusalOf(*decisions_, check, *application, application_path, loan);
      return refusal ? Status(ErrorCode::kConflict, "refused by the pre-disbursement check") : Status::Ok();
    });
  }
  Result<ledger::OpenLoanResult> opened = line_id == 0 ? OpenStandalone(book, catalogue_, body, *key)
                                                       : DrawOnLine(book, catalogue_, body, *key, line_id);
  if (!opened.ok()) return refusal ? *refusal : Failure(opened.status());
  Result<ledger::LoanRecord> loan = book.GetLoan(opened->loan_id);
  if (!loan.ok()) return Failure(loan.status());
  json answer = ledger::ToJson(*opened);
  answer["loan"] = ledger::LoanToJson(*loan);
  return Created(std::move(answer), opened->replayed);
}

Reply LoanService::OpenLoan(std::string_view body) { return Disburse(body, 0); }

Reply LoanService::Draw(std::string_view id, std::string_view body) {
  Result<int64_t> line_id = IdOf(id, "credit line");
  if (!line_id.ok()) return Failure(line_id.status());
  return Disburse(body, *line_id);
}

Reply LoanService::GetLoan(std::string_view id) {
  std::lock_guard lock(mutex_);
  return ShowLoan(*store_, id, ledger::LoanToJson);
}

Reply LoanService::GetSchedule(std::string_view id) {
  std::lock_guard lock(mutex_);
  return ShowLoan(*store_, id, ledger::LoanScheduleToJson);
}

Reply LoanService::Repay(std::string_view id, std::string_view text) {
  return PostOnLoan(mutex_, *store_, id, text, ReadRepayment, &ledger::Ledger::Repay);
}

Reply LoanService::QuotePayoff(std::string_view id, std::string_view text) {
  Result<int64_t> loan_id = IdOf(id, "loan");
  if (!loan_id.ok()) return Failure(loan_id.status());
  Result<Body> body = Body::Parse(text);
  if (!body.ok()) return Failure(body.status());
  Result<CivilDate> date = body->Date("date");
  if (!date.ok()) return Failure(date.status());
  std::lock_guard lock(mutex_);
  return Shown(ledger::Ledger(*store_).QuotePayoff(*loan_id, *date));
}

Reply LoanService::Prepay(std::string_view id, std::string_view text) {
  return PostOnLoan(mutex_, *store_, id, text, ReadPrepayment, &ledger::Ledger::Prepay);
}

Reply LoanService::ReverseRepayment(std::string_view id, std::string_view text) {
  return PostOnLoan(mutex_, *store_, id, text, ReadReversal, &ledger::Ledger::ReverseRepayment);
}

Reply LoanService::WriteOff(std::string_view id, std::string_view text) {
  return PostOnLoan(mutex_, *store_, id, text, ReadWriteOff, &ledger::Ledger::WriteOff);
}

Reply LoanService::OpenCreditLine(std::string_view text) {
  auto request = [&]() -> Result<ledger::OpenCreditLineRequest> {
    ledger::OpenCreditLineRequest r;
    CREDO_ASSIGN_OR_RETURN(const Body body, Body::Parse(text));
    CREDO_ASSIGN_OR_RETURN(r.request_key, body.Text("request_key"));
    CREDO_ASSIGN_OR_RETURN(r.customer_id, body.Text("customer_id"));
    CREDO_ASSIGN_OR_RETURN(r.product, body.Text("product"));
    CREDO_ASSIGN_OR_RETURN(r.limit_fen, body.Money("limit"));
    CREDO_ASSIGN_OR_RETURN(r.date, body.Date("date"));
    auto product = catalogue_.find(r.product);
    if (product == catalogue_.end())
      return Status::Invalid("no product '" + r.product + "' in the catalogue", "$.product");
    CREDO_RETURN_IF_ERROR(lending::CheckCreditLimit(product->second, r.limit_fen));
    return r;
  }();
  if (!request.ok()) return Failure(request.status());
  std::lock_guard lock(mutex_);
  return Posted(ledger::Ledger(*store_).OpenCreditLine(*request));
}

Reply LoanService::GetCreditLine(std::string_view id) {
  Result<int64_t> line_id = IdOf(id, "credit line");
  if (!line_id.ok()) return Failure(line_id.status());
  std::lock_guard lock(mutex_);
  return Shown(ledger::Ledger(*store_).GetCreditLine(*line_id));
}

Reply LoanService::ChangeCreditLimit(std::string_view id, std::string_view text) {
  auto request = [&]() -> Result<ledger::LimitChangeRequest> {
    ledger::LimitChangeRequest r;
    CREDO_ASSIGN_OR_RETURN(r.line_id, IdOf(id, "credit line"));
    CREDO_ASSIGN_OR_RETURN(const Body body, Body::Parse(text));
    CREDO_ASSIGN_OR_RETURN(r.request_key, body.Text("request_key"));
    CREDO_ASSIGN_OR_RETURN(r.kind, body.Text("kind"));
    if (body.Has("limit")) {
      CREDO_ASSIGN_OR_RETURN(r.new_limit_fen, body.Money("limit"));
    }
    CREDO_ASSIGN_OR_RETURN(r.date, body.Date("date"));
    CREDO_ASSIGN_OR_RETURN(r.reason, body.OptionalText("reason"));
    return r;
  }();
  if (!request.ok()) return Failure(request.status());
  if (request->kind == "raise") {  // not past the maximum of the line's product
    request->check_raise = [this](const ledger::CreditLineRecord& line, int64_t new_limit_fen) -> Status {
      CREDO_ASSIGN_OR_RETURN(const lending::Product* product, LineProduct(catalogue_, line.id, line.product));
      return lending::CheckCreditLimit(*product, new_limit_fen);
    };
  }
  std::lock_guard lock(mutex_);
  Result<ledger::CreditLineView> line = ledger::Ledger(*store_).ChangeCreditLimit(*request);
  if (!line.ok()) return Failure(line.status());
  json answer = ledger::ToJson(*line);
  answer["replayed"] = line->replayed;  // 200 either way: a change creates nothing
  return {200, answer.dump(), ""};
}

Reply LoanService::GetCustomerDelinquency(std::string_view customer_id) {
  std::lock_guard lock(mutex_);
  return Shown(ledger::Ledger(*store_).GetCustomerDelinquency(std::string(customer_id)));
}

Reply LoanService::RunEndOfDay(std::string_view text) {
  Result<Body> body = Body::Parse(text);
  if (!body.ok()) return Failure(body.status());
  Result<CivilDate> date = body->Date("date");
  if (!date.ok()) return Failure(date.status());
  std::lock_guard lock(mutex_);
  return Shown(ledger::Ledger(*store_).RunEndOfDay(*date, eod_policies_));
}

}  // namespace credo::server
