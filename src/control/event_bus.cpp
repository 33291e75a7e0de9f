#include "control/event_bus.hpp"

#include <algorithm>

namespace auralis::control {

Subscription::Subscription(std::vector<std::string> kinds, std::size_t capacity,
                           std::function<void()> onReady)
    : capacity_(std::max<std::size_t>(capacity, 1)),
      onReady_(std::move(onReady)),
      kinds_(std::move(kinds)) {}

bool Subscription::tryPop(Event& out) {
  std::lock_guard lock(mutex_);
  if (queue_.empty()) return false;
  out = std::move(queue_.front());
  queue_.pop_front();
  return true;
}

void Subscription::setKinds(std::vector<std::string> kinds) {
  std::lock_guard lock(mutex_);
  kinds_ = std::move(kinds);
}

bool Subscription::wants(std::string_view kind) const {
  std::lock_guard lock(mutex_);
  return std::any_of(kinds_.begin(), kinds_.end(),
                     [&](const std::string& k) { return k == kind || k == "*"; });
}

void Subscription::deliver(const Event& event) {
  bool wasEmpty = false;
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= capacity_) {
      queue_.pop_front();
      dropped_.fetch_add(1, std::memory_order_relaxed);
    }
    wasEmpty = queue_.empty();
    queue_.push_back(event);
  }
  // Outside the lock: the callback may post work that immediately calls tryPop.
  if (wasEmpty && onReady_) onReady_();
}

void EventBus::publish(std::string_view kind, nlohmann::json payload) {
  if (payload.is_object() && !payload.contains("type")) payload["type"] = kind;
  // Replace NaN/Inf (which JSON cannot carry) with null rather than fail.
  auto text = std::make_shared<const std::string>(
      payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  publishText(kind, std::move(text));
}

void EventBus::publishText(std::string_view kind, std::shared_ptr<const std::string> text) {
  published_.fetch_add(1, std::memory_order_relaxed);
  const Event event{std::string(kind), std::move(text)};
  for (const auto& sub : liveSubscribers()) {
    if (sub->wants(kind)) sub->deliver(event);
  }
}

std::shared_ptr<Subscription> EventBus::subscribe(std::vector<std::string> kinds,
                                                  std::size_t capacity,
                                                  std::function<void()> onReady) {
  auto sub = std::make_shared<Subscription>(std::move(kinds), capacity, std::move(onReady));
  std::lock_guard lock(mutex_);
  subscribers_.push_back(sub);
  return sub;
}

std::uint64_t EventBus::droppedTotal() const {
  std::uint64_t total = 0;
  for (const auto& sub : liveSubscribers()) total += sub->dropped();
  return total;
}

std::vector<std::shared_ptr<Subscription>> EventBus::liveSubscribers() const {
  // Copy the list under the lock and deliver outside it (Snapcast's pattern), so
  // a subscriber's callback can never hold up subscribe() or another publisher.
  std::vector<std::shared_ptr<Subscription>> live;
  std::lock_guard lock(mutex_);
  live.reserve(subscribers_.size());
  auto out = subscribers_.begin();
  for (auto& weak : subscribers_) {
    if (auto sub = weak.lock()) {
      live.push_back(std::move(sub));
      if (&*out != &weak) *out = std::move(weak);  // self-move would empty it
      ++out;
    }
  }
  subscribers_.erase(out, subscribers_.end());
  return live;
}

}  // namespace auralis::control
