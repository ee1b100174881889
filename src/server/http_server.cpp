#include "server/http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include "server/event_intake.h"

namespace credo::server {
namespace {

constexpr const char* kJsonType = "application/json";
constexpr const char* kPrometheusType = "text/plain; version=0.0.4";
// Seconds an idle keep-alive connection stays open.
constexpr unsigned kIdleTimeoutSeconds = 5;
// Per-connection buffer for the request line, headers and read chunks.
constexpr size_t kConnectionMemoryBytes = size_t{32} * 1024;

// A request being received: its body so far. The body of a request over
// kMaxBodyBytes is dropped as it arrives and the request answered 413.
// A decision waits, its connection suspended, for its record to be
// committed; `decided` then holds the answer.
struct Exchange {
  std::string body;
  bool too_large = false;
  std::optional<Reply> decided;
};

// Whether `path` fits `pattern` segment by segment; a "{name}" segment of
// the pattern matches any non-empty segment, which goes to `param`.
bool Matches(std::string_view pattern, std::string_view path, std::string* param) {
  while (true) {
    const size_t pattern_end = pattern.find('/');
    const size_t path_end = path.find('/');
    const std::string_view expected = pattern.substr(0, pattern_end);
    const std::string_view segment = path.substr(0, path_end);
    if (expected.starts_with('{')) {
      if (segment.empty()) return false;
      param->assign(segment);
    } else if (expected != segment) {
      return false;
    }
    if ((pattern_end == std::string_view::npos) != (path_end == std::string_view::npos)) return false;
    if (pattern_end == std::string_view::npos) return true;
    pattern.remove_prefix(pattern_end + 1);
    path.remove_prefix(path_end + 1);
  }
}

}  // namespace

struct Server::Impl {
  DecisionService* service;
  features::VelocityStore* velocity = nullptr;
  LoanService* loans = nullptr;
  MHD_Daemon* daemon = nullptr;
  int port = 0;
  std::atomic<int> decisions_in_flight{0};  // connections suspended until their record is committed

  // What a route's handler is given: the pattern's parameter ("" when it
  // has none), the body, and the content type to answer with.
  struct Call {
    std::string param;
    const std::string& body;
    const char** content_type;
  };

  // One route of the API (docs/api.md): the method, the pattern (its
  // "{name}" segment is the parameter, also the `route` label of the
  // request counter), and the handler. Decisions have no handler: they are
  // answered asynchronously (StartDecision).
  struct RouteSpec {
    std::string_view method;
    std::string_view pattern;
    Reply (*answer)(Impl&, const Call&);
    bool on_ledger = false;  // a loan route: 503 on a server without a ledger
  };

  // Every route, in the order they are matched.
  static const std::vector<RouteSpec>& Routes() {
    static const std::vector<RouteSpec> routes = {
        {"POST", "/v1/decide/{strategy}", nullptr},
        {"GET", "/v1/decisions/{id}",
         [](Impl& s, const Call& c) { return s.service->FindDecision(c.param); }},
        {"GET", "/v1/strategies", [](Impl& s, const Call&) { return s.service->ListStrategies(); }},
        {"PUT", "/v1/strategies/{name}",
         [](Impl& s, const Call& c) { return s.service->UploadStrategy(c.param, c.body); }},
        {"POST", "/v1/strategies/{name}/activate",
         [](Impl& s, const Call& c) { return s.service->ActivateStrategy(c.param, c.body); }},
        {"POST", "/v1/events", [](Impl& s, const Call& c) { return RecordEvent(s.velocity, c.body); }},
        {"POST", "/v1/loans", [](Impl& s, const Call& c) { return s.loans->OpenLoan(c.body); }, true},
        {"GET", "/v1/loans/{id}", [](Impl& s, const Call& c) { return s.loans->GetLoan(c.param); }, true},
        {"GET", "/v1/loans/{id}/schedule",
         [](Impl& s, const Call& c) { return s.loans->GetSchedule(c.param); }, true},
        {"POST", "/v1/loans/{id}/repayments",
         [](Impl& s, const Call& c) { return s.loans->Repay(c.param, c.body); }, true},
        {"POST", "/v1/loans/{id}/payoff-quote",
         [](Impl& s, const Call& c) { return s.loans->QuotePayoff(c.param, c.body); }, true},
        {"POST", "/v1/loans/{id}/prepayments",
         [](Impl& s, const Call& c) { return s.loans->Prepay(c.param, c.body); }, true},
        {"POST", "/v1/loans/{id}/reversals",
         [](Impl& s, const Call& c) { return s.loans->ReverseRepayment(c.param, c.body); }, true},
        {"POST", "/v1/loans/{id}/write-off",
         [](Impl& s, const Call& c) { return s.loans->WriteOff(c.param, c.body); }, true},
        {"POST", "/v1/credit-lines", [](Impl& s, const Call& c) { return s.loans->OpenCreditLine(c.body); },
         true},
        {"GET", "/v1/credit-lines/{id}",
         [](Impl& s, const Call& c) { return s.loans->GetCreditLine(c.param); }, true},
        {"POST", "/v1/credit-lines/{id}/limit",
         [](Impl& s, const Call& c) { return s.loans->ChangeCreditLimit(c.param, c.body); }, true},
        {"POST", "/v1/credit-lines/{id}/draws",
         [](Impl& s, const Call& c) { return s.loans->Draw(c.param, c.body); }, true},
        {"GET", "/v1/customers/{id}/delinquency",
         [](Impl& s, const Call& c) { return s.loans->GetCustomerDelinquency(c.param); }, true},
        {"POST", "/v1/eod", [](Impl& s, const Call& c) { return s.loans->RunEndOfDay(c.body); }, true},
        {"GET", "/healthz", [](Impl& s, const Call&) { return s.service->Health(); }},
        {"GET", "/metrics",
         [](Impl& s, const Call& c) {
           *c.content_type = kPrometheusType;
           return Reply{200, s.service->metrics().PrometheusText(), ""};
         }},
    };
    return routes;
  }

  // The route answering `method` `path`, its parameter in `param`; nullptr when none.
  static const RouteSpec* FindRoute(std::string_view method, std::string_view path, std::string* param) {
    for (const RouteSpec& route : Routes()) {
      if (route.method == method && Matches(route.pattern, path, param)) return &route;
    }
    return nullptr;
  }

  // The pattern a path belongs to, whatever the method: the `route` label of
  // the request counter (a fixed set, whatever paths clients send).
  static std::string_view RouteOf(std::string_view path) {
    std::string param;
    for (const RouteSpec& route : Routes()) {
      if (Matches(route.pattern, path, &param)) return route.pattern;
    }
    return "other";
  }

  // The answer to a complete request other than a decision.
  Reply Route(const RouteSpec* route, std::string_view method, std::string_view path, Call& call) {
    if (route == nullptr)
      return ErrorReply(404, "not_found", "no route " + std::string(method) + " " + std::string(path), "$");
    if (route->on_ledger && loans == nullptr)
      return ErrorReply(503, "no_ledger", "this server runs without a ledger (--no-ledger)", "$");
    return route->answer(*this, call);
  }

  // Decides on this thread, then suspends the connection until the
  // recorder has committed the decision and resumes it with the answer.
  void StartDecision(MHD_Connection* connection, const std::string& strategy, Exchange* exchange) {
    const char* trace = MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, "trace");
    ++decisions_in_flight;
    MHD_suspend_connection(connection);
    auto answer = [this, connection, exchange](Reply reply) {
      exchange->decided = std::move(reply);
      MHD_resume_connection(connection);
      --decisions_in_flight;
    };
    try {
      service->DecideAsync(strategy, exchange->body, trace != nullptr && std::strcmp(trace, "true") == 0,
                           answer);
    } catch (const std::exception& e) {  // thrown before anything was answered or recorded
      answer(ErrorReply(500, "internal", e.what(), "$"));
    }
  }

  MHD_Result Answer(MHD_Connection* connection, std::string_view method, std::string_view path,
                    Exchange& exchange) {
    const char* content_type = kJsonType;
    Reply reply;
    Call call{"", exchange.body, &content_type};
    const RouteSpec* route = FindRoute(method, path, &call.param);
    if (exchange.decided) {
      reply = std::move(*exchange.decided);
    } else if (exchange.too_large) {
      reply =
          ErrorReply(413, "body_too_large",
                     "the body is larger than the limit of " + std::to_string(kMaxBodyBytes) + " bytes", "$");
    } else if (route != nullptr && route->answer == nullptr) {
      StartDecision(connection, call.param, &exchange);
      return MHD_YES;
    } else {
      try {
        reply = Route(route, method, path, call);
      } catch (const std::exception& e) {
        reply = ErrorReply(500, "internal", e.what(), "$");
      }
    }
    if (!reply.error_code.empty()) service->metrics().CountError(reply.error_code);
    service->metrics().CountRequest(route != nullptr ? route->pattern : RouteOf(path), reply.http_status);
    MHD_Response* response =
        MHD_create_response_from_buffer(reply.body.size(), reply.body.data(), MHD_RESPMEM_MUST_COPY);
    if (response == nullptr) return MHD_NO;
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    const MHD_Result queued =
        MHD_queue_response(connection, static_cast<unsigned>(reply.http_status), response);
    MHD_destroy_response(response);
    return queued;
  }

  // libmicrohttpd calls this first with the headers, then once per body
  // chunk, then once more with no data: the moment to answer.
  static MHD_Result OnRequest(void* self, MHD_Connection* connection, const char* url, const char* method,
                              const char* /*version*/, const char* upload_data, size_t* upload_data_size,
                              void** request_state) {
    auto* exchange = static_cast<Exchange*>(*request_state);
    if (exchange == nullptr) {
      *request_state = new Exchange();
      return MHD_YES;
    }
    if (*upload_data_size > 0) {
      if (!exchange->too_large && exchange->body.size() + *upload_data_size <= kMaxBodyBytes) {
        exchange->body.append(upload_data, *upload_data_size);
      } else {
        exchange->too_large = true;
        exchange->body.clear();
      }
      *upload_data_size = 0;
      return MHD_YES;
    }
    return static_cast<Impl*>(self)->Answer(connection, method, url, *exchange);
  }

  static void OnCompleted(void* /*self*/, MHD_Connection* /*connection*/, void** request_state,
                          MHD_RequestTerminationCode /*why*/) {
    delete static_cast<Exchange*>(*request_state);
    *request_state = nullptr;
  }
};

Server::Server(DecisionService* service, features::VelocityStore* velocity, LoanService* loans)
    : impl_(std::make_unique<Impl>()) {
  impl_->service = service;
  impl_->velocity = velocity;
  impl_->loans = loans;
}

Server::~Server() { Stop(); }

Status Server::Start(const std::string& host, int port, int threads) {
  if (threads < 1)
    return Status::Usage("the server needs at least one thread, not " + std::to_string(threads));
  if (port < 0 || port > 65535)
    return Status::Usage("the port must be 0..65535, not " + std::to_string(port));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  const std::string numeric = host == "localhost" ? "127.0.0.1" : host;
  if (inet_pton(AF_INET, numeric.c_str(), &address.sin_addr) != 1)
    return Status::Usage("cannot listen on '" + host + "': not an IPv4 address");
  // One epoll loop per thread, each serving many keep-alive connections.
  const unsigned flags =
      MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
  impl_->daemon = MHD_start_daemon(
      flags, 0, nullptr, nullptr, &Impl::OnRequest, impl_.get(), MHD_OPTION_SOCK_ADDR, &address,
      MHD_OPTION_THREAD_POOL_SIZE, static_cast<unsigned>(threads), MHD_OPTION_NOTIFY_COMPLETED,
      &Impl::OnCompleted, impl_.get(), MHD_OPTION_CONNECTION_TIMEOUT, kIdleTimeoutSeconds,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, kConnectionMemoryBytes, MHD_OPTION_END);
  if (impl_->daemon == nullptr) return Status::Io("cannot listen on " + host + ":" + std::to_string(port));
  const MHD_DaemonInfo* info = MHD_get_daemon_info(impl_->daemon, MHD_DAEMON_INFO_BIND_PORT);
  impl_->port = info != nullptr ? info->port : port;
  return Status::Ok();
}

int Server::port() const { return impl_->port; }

void Server::Stop() {
  if (impl_->daemon == nullptr) return;
  // Stop accepting, let every suspended decision be recorded and answered,
  // then close (libmicrohttpd must not stop with connections suspended).
  MHD_quiesce_daemon(impl_->daemon);
  while (impl_->decisions_in_flight.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  MHD_stop_daemon(impl_->daemon);
  impl_->daemon = nullptr;
}

}  // namespace credo::server
