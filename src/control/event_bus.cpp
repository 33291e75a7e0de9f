#include "control/event_bus.hpp"

#include <algorithm>

namespace auralis::control {

namespace {

constexpr std::uint64_t kOverflowBit = std::uint64_t{1} << 63;

// Kinds form a small fixed vocabulary; interning them once per process lets a
// subscription's interest be a 64-bit mask.
struct KindRegistry {
  std::mutex mutex;
  std::vector<std::string> names;
};

KindRegistry& kindRegistry() {
  static KindRegistry registry;
  return registry;
}

std::uint64_t maskOf(const std::vector<std::string>& kinds) {
  std::uint64_t mask = 0;
  for (const auto& k : kinds) mask |= k == "*" ? ~std::uint64_t{0} : eventKindBit(k);
  return mask;
}

}  // namespace

std::uint64_t eventKindBit(std::string_view kind) {
  KindRegistry& r = kindRegistry();
  std::lock_guard lock(r.mutex);
  const auto it = std::find(r.names.begin(), r.names.end(), kind);
  std::size_t index = static_cast<std::size_t>(it - r.names.begin());
  if (it == r.names.end()) {
    if (r.names.size() >= 63) return kOverflowBit;
    r.names.emplace_back(kind);
  }
  return std::uint64_t{1} << index;
}

void KindInterest::add(std::uint64_t mask) {
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if ((mask >> i) & 1U) counts_[i].fetch_add(1, std::memory_order_relaxed);
  }
}

void KindInterest::remove(std::uint64_t mask) {
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if ((mask >> i) & 1U) counts_[i].fetch_sub(1, std::memory_order_relaxed);
  }
}

bool KindInterest::any(std::uint64_t bit) const {
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (((bit >> i) & 1U) && counts_[i].load(std::memory_order_relaxed) > 0) return true;
  }
  return false;
}

Subscription::Subscription(std::vector<std::string> kinds, std::size_t capacity,
                           std::function<void()> onReady, std::shared_ptr<KindInterest> interest)
    : capacity_(std::max<std::size_t>(capacity, 1)),
      onReady_(std::move(onReady)),
      interest_(std::move(interest)),
      mask_(std::make_shared<std::atomic<std::uint64_t>>(maskOf(kinds))),
      kinds_(std::move(kinds)) {
  if (interest_) interest_->add(mask_->load(std::memory_order_relaxed));
}

Subscription::~Subscription() {
  if (interest_) interest_->remove(mask_->load(std::memory_order_relaxed));
}

bool Subscription::tryPop(Event& out) {
  std::lock_guard lock(mutex_);
  if (queue_.empty()) return false;
  out = std::move(queue_.front());
  queue_.pop_front();
  return true;
}

void Subscription::setKinds(std::vector<std::string> kinds) {
  const std::uint64_t mask = maskOf(kinds);
  std::lock_guard lock(mutex_);
  kinds_ = std::move(kinds);
  // Under the lock, so concurrent setKinds calls keep the counts matched.
  const std::uint64_t old = mask_->exchange(mask, std::memory_order_acq_rel);
  if (interest_) {
    interest_->add(mask);
    interest_->remove(old);
  }
}

bool Subscription::wantsByName(std::string_view kind) const {
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
  if (!interest_->any(eventKindBit(kind))) {
    published_.fetch_add(1, std::memory_order_relaxed);
    return;  // nobody listens: not even serialised
  }
  if (payload.is_object() && !payload.contains("type")) payload["type"] = kind;
  // Replace NaN/Inf (which JSON cannot carry) with null rather than fail.
  auto text = std::make_shared<const std::string>(
      payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  publishText(kind, std::move(text));
}

void EventBus::publishText(std::string_view kind, std::shared_ptr<const std::string> text) {
  published_.fetch_add(1, std::memory_order_relaxed);
  const std::uint64_t bit = eventKindBit(kind);
  if (!interest_->any(bit)) return;
  // Collect under the lock, deliver outside it (Snapcast's pattern), so a
  // subscriber's callback can never hold up subscribe() or another publisher.
  std::vector<std::shared_ptr<Subscription>> matched;
  {
    std::lock_guard lock(mutex_);
    for (const Entry& e : subscribers_) {
      if ((e.mask->load(std::memory_order_acquire) & bit) == 0) continue;
      if (auto sub = e.subscription.lock()) matched.push_back(std::move(sub));
    }
  }
  const Event event{std::string(kind), std::move(text)};
  for (const auto& sub : matched) {
    // A mask match is exact except for kinds that share the overflow bit.
    if (bit != kOverflowBit || sub->wantsByName(kind)) sub->deliver(event);
  }
}

std::shared_ptr<Subscription> EventBus::subscribe(std::vector<std::string> kinds,
                                                  std::size_t capacity,
                                                  std::function<void()> onReady) {
  auto sub =
      std::make_shared<Subscription>(std::move(kinds), capacity, std::move(onReady), interest_);
  std::lock_guard lock(mutex_);
  std::erase_if(subscribers_, [](const Entry& e) { return e.subscription.expired(); });
  subscribers_.push_back(Entry{sub, sub->mask_});
  return sub;
}

std::uint64_t EventBus::droppedTotal() const {
  std::uint64_t total = 0;
  for (const auto& sub : liveSubscribers()) total += sub->dropped();
  return total;
}

std::vector<std::shared_ptr<Subscription>> EventBus::liveSubscribers() const {
  std::vector<std::shared_ptr<Subscription>> live;
  std::lock_guard lock(mutex_);
  live.reserve(subscribers_.size());
  std::erase_if(subscribers_, [&](const Entry& e) {
    auto sub = e.subscription.lock();
    if (sub) live.push_back(std::move(sub));
    return !sub;
  });
  return live;
}

}  // namespace auralis::control
