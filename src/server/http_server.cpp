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

#include "server/event_intake.h"

namespace credo::server {
namespace {

constexpr const char* kJsonType = "application/json";
constexpr const char* kPrometheusType = "text/plain; version=0.0.4";
// Seconds an idle keep-alive connection stays open.
constexpr unsigned kIdleTimeoutSeconds = 5;
// Per-connection buffer for the request line, headers and read chunks.
constexpr size_t kConnectionMemoryBytes = size_t{128} * 1024;

// A request being received: its body so far. The body of a request over
// kMaxBodyBytes is dropped as it arrives and the request answered 413.
// A decision waits, its connection suspended, for its record to be
// committed; `decided` then holds the answer.
struct Exchange {
  std::string body;
  bool too_large = false;
  std::optional<Reply> decided;
};

// The text between `prefix` and the next '/' of `path`, when `path` is
// exactly prefix + segment + suffix with a non-empty segment.
bool MatchSegment(std::string_view path, std::string_view prefix, std::string_view suffix,
                  std::string* segment) {
  if (!path.starts_with(prefix) || !path.ends_with(suffix) || path.size() <= prefix.size() + suffix.size())
    return false;
  const std::string_view middle = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
  if (middle.find('/') != std::string_view::npos) return false;
  segment->assign(middle);
  return true;
}

// The route pattern a path belongs to, the `route` label of the request
// counter (a fixed set, whatever paths clients send).
std::string_view RouteOf(std::string_view path) {
  constexpr std::string_view kDecide = "/v1/decide/";
  constexpr std::string_view kDecisions = "/v1/decisions/";
  constexpr std::string_view kStrategy = "/v1/strategies/";
  if (path == "/healthz" || path == "/metrics" || path == "/v1/strategies" || path == "/v1/events")
    return path;
  if (path.starts_with(kDecide)) return "/v1/decide/{strategy}";
  if (path.starts_with(kDecisions)) return "/v1/decisions/{id}";
  if (path.starts_with(kStrategy)) {
    return path.ends_with("/activate") ? "/v1/strategies/{name}/activate" : "/v1/strategies/{name}";
  }
  return "other";
}

}  // namespace

struct Server::Impl {
  DecisionService* service;
  features::VelocityStore* velocity = nullptr;
  MHD_Daemon* daemon = nullptr;
  int port = 0;
  std::atomic<int> decisions_in_flight{0};  // connections suspended until their record is committed

  // The answer to a complete request other than a decision.
  Reply Route(std::string_view method, std::string_view path, const std::string& body,
              const char** content_type) {
    std::string name;
    if (method == "GET" && MatchSegment(path, "/v1/decisions/", "", &name))
      return service->FindDecision(name);
    if (method == "GET" && path == "/v1/strategies") return service->ListStrategies();
    if (method == "PUT" && MatchSegment(path, "/v1/strategies/", "", &name))
      return service->UploadStrategy(name, body);
    if (method == "POST" && MatchSegment(path, "/v1/strategies/", "/activate", &name))
      return service->ActivateStrategy(name, body);
    if (method == "POST" && path == "/v1/events") return RecordEvent(velocity, body);
    if (method == "GET" && path == "/healthz") return service->Health();
    if (method == "GET" && path == "/metrics") {
      *content_type = kPrometheusType;
      return {200, service->metrics().PrometheusText(), ""};
    }
    return ErrorReply(404, "not_found", "no route " + std::string(method) + " " + std::string(path), "$");
  }

  // Decides on this thread, then suspends the connection until the
  // recorder has committed the decision and resumes it with the answer.
  void StartDecision(MHD_Connection* connection, const std::string& strategy, Exchange* exchange) {
    const char* trace = MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, "trace");
    ++decisions_in_flight;
    MHD_suspend_connection(connection);
    service->DecideAsync(strategy, exchange->body, trace != nullptr && std::strcmp(trace, "true") == 0,
                         [this, connection, exchange](Reply reply) {
                           exchange->decided = std::move(reply);
                           MHD_resume_connection(connection);
                           --decisions_in_flight;
                         });
  }

  MHD_Result Answer(MHD_Connection* connection, std::string_view method, std::string_view path,
                    Exchange& exchange) {
    const char* content_type = kJsonType;
    Reply reply;
    std::string strategy;
    if (exchange.decided) {
      reply = std::move(*exchange.decided);
    } else if (!exchange.too_large && method == "POST" && MatchSegment(path, "/v1/decide/", "", &strategy)) {
      StartDecision(connection, strategy, &exchange);
      return MHD_YES;
    } else if (exchange.too_large) {
      reply =
          ErrorReply(413, "body_too_large",
                     "the body is larger than the limit of " + std::to_string(kMaxBodyBytes) + " bytes", "$");
    } else {
      try {
        reply = Route(method, path, exchange.body, &content_type);
      } catch (const std::exception& e) {
        reply = ErrorReply(500, "internal", e.what(), "$");
      }
    }
    if (!reply.error_code.empty()) service->metrics().CountError(reply.error_code);
    service->metrics().CountRequest(RouteOf(path), reply.http_status);
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

Server::Server(DecisionService* service, features::VelocityStore* velocity)
    : impl_(std::make_unique<Impl>()) {
  impl_->service = service;
  impl_->velocity = velocity;
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
