#include "synack/viz/text_renderer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <vector>

namespace synack::viz {

namespace {

constexpr int kStateWidth = 12;  // "SYN_RECEIVED"
constexpr int kMinFill = 3;      // Dashes kept between a label and the arrow head.

namespace ansi {
constexpr const char* kReset = "\x1b[0m";
constexpr const char* kRed = "\x1b[31m";
constexpr const char* kYellow = "\x1b[33m";
constexpr const char* kCyan = "\x1b[36m";
constexpr const char* kMagenta = "\x1b[35m";
constexpr const char* kDim = "\x1b[2m";
}  // namespace ansi

struct Cell {
  std::string text;
  const char* colour = nullptr;
};

struct Row {
  Instant time;
  Cell left_state;
  Cell inner;  // Between the lifelines, exactly `inner_width` columns.
  Cell right_state;
  std::string info;
};

std::string fit(const std::string& text, std::size_t width) {
  if (text.size() <= width) return text;
  if (width < 2) return text.substr(0, width);
  return text.substr(0, width - 2) + "..";
}

class TextLayout {
 public:
  TextLayout(const Ladder& ladder, const TextOptions& options)
      : ladder_(ladder),
        options_(options),
        inner_width_(static_cast<std::size_t>(std::max(options.arrow_width, 24) - 2)) {}

  std::string render() {
    build_rows();
    std::string out = header();
    for (const Row& r : rows_) out += line(r);
    if (options_.legend) out += legend();
    return out;
  }

 private:
  // The longest label an arrow can carry: 4 columns of tail, kMinFill dashes and the head.
  std::size_t label_room() const { return inner_width_ - 4 - kMinFill - 1; }

  // Built by appending: GCC 12 misreports `"literal" + std::string` chains (-Wrestrict).
  std::string arrow_text(const Arrow& a) const {
    const std::string label = fit(a.label, label_room());
    const std::size_t body = 4 + label.size();  // Tail plus label.
    std::string out;
    out.reserve(inner_width_);
    if (!a.arrival) {
      // A lost segment stops three quarters of the way across, in a cross.
      const std::size_t length = std::max(body + kMinFill + 1, inner_width_ * 3 / 4);
      const std::size_t gap = inner_width_ - length;
      if (a.from == Side::left) {
        out.append("----").append(label).append(length - body - 1, '-').append("X");
        out.append(gap, ' ');
      } else {
        out.append(gap, ' ').append("X").append(length - body - 1, '-');
        out.append(label).append("----");
      }
      return out;
    }
    const std::size_t fill = inner_width_ - body - 1;
    if (a.from == Side::left) {
      out.append("----").append(label).append(fill, '-').append(">");
    } else {
      out.append("<").append(fill, '-').append(label).append("----");
    }
    return out;
  }

  std::string arrow_info(const Arrow& a) const {
    std::vector<std::string> parts;
    if (!a.arrival) {
      parts.emplace_back("lost");
    } else if (!ladder_.capture_times_only) {
      parts.push_back("arrives " + trimmed_time(*a.arrival));
    }
    if (a.retransmission) parts.emplace_back("rexmit");
    if (!a.annotation.empty() && a.annotation != "lost") parts.push_back(a.annotation);
    return fmt::format("{}", fmt::join(parts, ", "));
  }

  static std::string trimmed_time(Instant t) {
    std::string s = format_time(t);
    s.erase(0, s.find_first_not_of(' '));
    return s;
  }

  std::string beside(Side side, const std::string& text) const {
    const std::string t = fit(text, inner_width_ - 2);
    const std::size_t pad = inner_width_ - t.size();
    return side == Side::left ? " " + t + std::string(pad - 1, ' ')
                              : std::string(pad - 1, ' ') + t + " ";
  }

  std::string centred(const std::string& text) const {
    const std::string t = fit(text, inner_width_);
    const std::size_t left = (inner_width_ - t.size()) / 2;
    return std::string(left, ' ') + t + std::string(inner_width_ - t.size() - left, ' ');
  }

  Row blank_row(Instant t) const {
    Row r;
    r.time = t;
    r.inner.text = std::string(inner_width_, ' ');
    return r;
  }

  // At one instant: timers first (a timer firing explains the segment sent with it), then
  // arrows, then notes; each state change joins the first of those rows whose column on its
  // side is free, or gets a row of its own.
  void build_rows() {
    std::vector<Instant> times;
    for (const Arrow& a : ladder_.arrows) times.push_back(a.sent);
    for (const StateMark& m : ladder_.states) times.push_back(m.time);
    for (const TimerMark& m : ladder_.timers) times.push_back(m.time);
    for (const Note& n : ladder_.notes) times.push_back(n.time);
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());

    for (Instant t : times) {
      const std::size_t first = rows_.size();
      for (const TimerMark& m : ladder_.timers) {
        if (m.time != t) continue;
        Row r = blank_row(t);
        r.inner = {beside(m.side, "[timer: " + m.text + "]"), ansi::kMagenta};
        rows_.push_back(std::move(r));
      }
      for (const Arrow& a : ladder_.arrows) {
        if (a.sent != t) continue;
        Row r = blank_row(t);
        const char* colour = !a.arrival ? ansi::kRed : a.retransmission ? ansi::kYellow : nullptr;
        r.inner = {arrow_text(a), colour};
        r.info = arrow_info(a);
        rows_.push_back(std::move(r));
      }
      for (const Note& n : ladder_.notes) {
        if (n.time != t) continue;
        Row r = blank_row(t);
        r.inner = {n.side ? beside(*n.side, "* " + n.text) : centred("* " + n.text), ansi::kDim};
        rows_.push_back(std::move(r));
      }
      for (const StateMark& m : ladder_.states) {
        if (m.time != t) continue;
        place_state(first, m);
      }
    }
  }

  void place_state(std::size_t first, const StateMark& m) {
    for (std::size_t i = first; i < rows_.size(); ++i) {
      Cell& cell = m.side == Side::left ? rows_[i].left_state : rows_[i].right_state;
      if (cell.text.empty()) {
        cell = {m.state, ansi::kCyan};
        return;
      }
    }
    Row r = blank_row(m.time);
    (m.side == Side::left ? r.left_state : r.right_state) = {m.state, ansi::kCyan};
    rows_.push_back(std::move(r));
  }

  std::string paint(const Cell& cell, std::size_t width) const {
    std::string text = cell.text;
    if (text.size() < width) text.resize(width, ' ');
    if (!options_.colour || cell.colour == nullptr || cell.text.empty()) return text;
    return cell.colour + text + ansi::kReset;
  }

  static std::string finish(std::string s) {
    s.erase(s.find_last_not_of(' ') + 1);
    return s + "\n";
  }

  std::string line(const Row& r) const {
    std::string s = format_time(r.time) + "  " + paint(r.left_state, kStateWidth) + " |" +
                    paint(r.inner, inner_width_) + "| " + paint(r.right_state, kStateWidth);
    if (!r.info.empty()) s += "  " + r.info;
    return finish(std::move(s));
  }

  std::string header() const {
    // Names stand over the state columns: the left one from its start, the right one ending
    // where the right state column ends.
    const std::size_t span = kStateWidth + 2 + inner_width_ + 2 + kStateWidth;
    const std::size_t used = ladder_.left_name.size() + ladder_.right_name.size();
    const std::string gap(used + 1 < span ? span - used : 1, ' ');
    std::string out;
    if (!ladder_.title.empty()) out += finish(ladder_.title);
    out += finish(fmt::format("{:>8}  {}{}{}", "time", ladder_.left_name, gap, ladder_.right_name));
    return out;
  }

  std::string legend() const {
    if (ladder_.capture_times_only) {
      return finish(
          "legend: ---> segment, times are capture times (one capture point: no transit shown)");
    }
    return finish("legend: ---> delivered, ---X lost; rows are send times, 'arrives' is delivery");
  }

  const Ladder& ladder_;
  const TextOptions& options_;
  std::size_t inner_width_;
  std::vector<Row> rows_;
};

}  // namespace

std::string format_time(Instant t) {
  return fmt::format("{:7.3f}s", static_cast<double>(to_micros(t)) / 1e6);
}

std::string render_text(const Ladder& ladder, const TextOptions& options) {
  return TextLayout(ladder, options).render();
}

}  // namespace synack::viz
