#include "app/osc_wiring.hpp"

#include <spdlog/spdlog.h>

#include <sstream>

#include "net/osc_namespace.hpp"

namespace auralis::app {

namespace {

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream list(text);
  std::string item;
  while (std::getline(list, item, ',')) {
    const auto b = item.find_first_not_of(" \t");
    const auto e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<OscWiring>> OscWiring::start(const Config& config,
                                                    control::Controller& controller,
                                                    control::EventBus& bus,
                                                    const engine::Engine& engine, double sampleRate,
                                                    obs::Registry& registry) {
  std::unique_ptr<OscWiring> w(new OscWiring());
  net::OscServerConfig oc;
  oc.bind = config.getString("osc.bind");
  oc.port = static_cast<std::uint16_t>(config.getInt("osc.port"));
  oc.targets = splitList(config.getString("osc.targets"));
  oc.sampleRate = sampleRate;
  oc.playhead = [&engine] { return engine.position(); };
  for (const auto& t : oc.targets)
    if (auto parsed = net::parseOscTarget(t); !parsed) return parsed.error();
  w->bind_ = oc.bind;
  w->targets_ = config.getString("osc.targets");
  w->server_ = std::make_unique<net::OscServer>(oc, controller, &bus);
  if (!config.getBool("osc.enabled")) {
    w->offReason_ = "disabled (osc.enabled = false)";
  } else if (auto started = w->server_->start(); !started) {
    if (started.error().code == "invalid_config") return started.error();
    w->offReason_ = started.error().message;
    spdlog::warn("osc: off: {}", w->offReason_);
  } else {
    w->running_ = true;
  }

  const auto& c = w->server_->counters();
  auto counter = [&registry](const char* name, const char* help,
                             const std::atomic<std::uint64_t>& v) {
    registry.counterFn(name, help, {}, [&v] { return static_cast<double>(v.load()); });
  };
  counter("auralis_osc_malformed_total", "Malformed OSC packets dropped", c.malformed);
  counter("auralis_osc_packets_total", "OSC datagrams received", c.packets);
  counter("auralis_osc_applied_total", "OSC control messages applied", c.applied);
  counter("auralis_osc_refused_total", "OSC control messages refused by validation", c.refused);
  counter("auralis_osc_sent_total", "OSC event messages sent (one per target)", c.sent);
  counter("auralis_osc_send_errors_total", "OSC event sends that failed (never retried)",
          c.sendErrors);
  return w;
}

OscWiring::~OscWiring() {
  stop();
}

OscWiring::CommandsBinding OscWiring::bindCommands(std::vector<net::OscCommand> commands) {
  setCommands(std::move(commands));
  return CommandsBinding(*this);
}

void OscWiring::setCommands(std::vector<net::OscCommand> commands) {
  {
    std::lock_guard lock(commandsMutex_);
    commandInfo_.clear();
    for (const auto& c : commands) commandInfo_.push_back(c.info);
  }
  if (server_) server_->setCommands(std::move(commands));
}

void OscWiring::stop() {
  if (server_) server_->stop();
  running_ = false;
}

net::ExtraRoute OscWiring::route() const {
  return {"/api/v1/osc", [this](const net::HttpRequest& req) -> std::optional<net::HttpResponse> {
            const auto path = req.target.substr(0, req.target.find('?'));
            if (path != "/api/v1/osc") return std::nullopt;
            if (req.method != "GET" && req.method != "HEAD")
              return net::errorResponse(405,
                                        makeError("method_not_allowed", "GET /api/v1/osc only"));
            nlohmann::json j;
            {
              std::lock_guard lock(commandsMutex_);
              j = net::oscNamespaceJson(commandInfo_);
            }
            j["listening"] = running_.load();
            j["transport"] = "udp";
            j["bind"] = bind_;
            j["port"] = running_ ? server_->port() : 0;
            if (!running_) j["reason"] = offReason_;
            j["targets"] = splitList(targets_);
            net::HttpResponse r;
            r.body = j.dump();
            return r;
          }};
}

std::string OscWiring::describe() const {
  if (!running_) return "osc: off (" + offReason_ + ")";
  std::string line = "osc: udp://" + bind_ + ":" + std::to_string(server_->port());
  if (!targets_.empty()) line += ", events to " + targets_;
  return line;
}

}  // namespace auralis::app
