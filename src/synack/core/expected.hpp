#pragma once
// A small std::expected stand-in (C++20 has none): a value or an error, never both.
// Expected<void, E> is the outcome of a call that returns nothing but may fail.
#include <cassert>
#include <concepts>
#include <utility>
#include <variant>

namespace synack {

template <typename E>
struct Unexpected {
  E error;
};
template <typename E>
Unexpected(E) -> Unexpected<E>;

template <typename T, typename E>
class Expected {
 public:
  Expected(T value) : storage_(std::in_place_index<0>, std::move(value)) {}            // NOLINT
  Expected(Unexpected<E> u) : storage_(std::in_place_index<1>, std::move(u.error)) {}  // NOLINT
  // An error of another type that E is made from (Unexpected{EAGAIN} for an Expected<T, Error>).
  template <typename G>
  requires(!std::same_as<G, E> && std::constructible_from<E, G>)
      Expected(Unexpected<G> u)  // NOLINT
      : storage_(std::in_place_index<1>, E(std::move(u.error))) {}

  bool has_value() const { return storage_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() {
    assert(has_value());
    return std::get<0>(storage_);
  }
  const T& value() const {
    assert(has_value());
    return std::get<0>(storage_);
  }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const E& error() const {
    assert(!has_value());
    return std::get<1>(storage_);
  }

 private:
  std::variant<T, E> storage_;
};

template <typename E>
class Expected<void, E> {
 public:
  Expected() = default;
  Expected(Unexpected<E> u) : error_(std::move(u.error)), failed_(true) {}  // NOLINT
  template <typename G>
  requires(!std::same_as<G, E> && std::constructible_from<E, G>)
      Expected(Unexpected<G> u)  // NOLINT
      : error_(E(std::move(u.error))), failed_(true) {}

  bool has_value() const { return !failed_; }
  explicit operator bool() const { return has_value(); }

  const E& error() const {
    assert(!has_value());
    return error_;
  }

 private:
  E error_{};
  bool failed_ = false;
};

}  // namespace synack
