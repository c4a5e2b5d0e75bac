#include "synack/viz/svg_renderer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <vector>

#include "synack/viz/text_renderer.hpp"

namespace synack::viz {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

constexpr double kTop = 70;     // First instant's y: below the title and the names.
constexpr double kBottom = 40;  // Space under the last item.
constexpr double kMarkGap = 8;  // Between a lifeline and the text written beside it.

// What shares a point of a lifeline at one instant; items of one kind at one instant are
// stacked one row apart, items of different kinds may share a row.
enum class Slot { send_left, send_right, arrive_left, arrive_right, mark_left, mark_right, centre };

Slot send_slot(Side s) {
  return s == Side::left ? Slot::send_left : Slot::send_right;
}
Slot arrive_slot(Side s) {
  return s == Side::left ? Slot::arrive_left : Slot::arrive_right;
}
Slot mark_slot(Side s) {
  return s == Side::left ? Slot::mark_left : Slot::mark_right;
}

struct Break {
  double y_from = 0;
  double y_to = 0;
  Duration gap{};
};

// Maps instants to y: linear within activity, at least one row between neighbouring instants,
// and long idle gaps cut down to a fixed-size break.
class TimeAxis {
 public:
  TimeAxis(const SvgOptions& options, double row_px) : options_(options), row_px_(row_px) {}

  int claim(Instant t, Slot slot) {
    const int rank = taken_[{t, slot}]++;
    rows_[t] = std::max(rows_[t], rank + 1);
    return rank;
  }

  void layout(double px_per_second) {
    double y = kTop;
    std::optional<Instant> previous;
    for (const auto& [t, rows] : rows_) {
      if (previous) {
        const double extra_rows = (rows_[*previous] - 1) * row_px_;
        const double gap_px = to_seconds(t - *previous) * px_per_second;
        const double from = y_[*previous] + extra_rows;
        if (gap_px > options_.max_gap_px) {
          breaks_.push_back(Break{from, from + options_.break_px, t - *previous});
          y = from + options_.break_px;
        } else {
          y = from + std::max(row_px_, gap_px);
        }
      }
      y_[t] = y;
      previous = t;
    }
  }

  double y(Instant t, int rank = 0) const {
    auto it = y_.find(t);
    return (it == y_.end() ? kTop : it->second) + rank * row_px_;
  }
  const std::vector<Break>& breaks() const { return breaks_; }
  // Gaps between neighbouring instants, for choosing a scale when no transit is known.
  std::vector<double> gaps_seconds() const {
    std::vector<double> out;
    std::optional<Instant> previous;
    for (const auto& entry : rows_) {
      if (previous) out.push_back(to_seconds(entry.first - *previous));
      previous = entry.first;
    }
    return out;
  }

 private:
  const SvgOptions& options_;
  double row_px_;
  std::map<std::pair<Instant, Slot>, int> taken_;
  std::map<Instant, int> rows_;
  std::map<Instant, double> y_;
  std::vector<Break> breaks_;
};

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

std::string seconds_text(Duration d) {
  return fmt::format("{:.3f} s", to_seconds(d));
}

struct ArrowGeometry {
  double x1, y1, x2, y2;
  bool lost;
};

class SvgDrawing {
 public:
  SvgDrawing(const Ladder& ladder, const SvgOptions& options)
      : ladder_(ladder),
        options_(options),
        capture_(ladder.capture_times_only),
        row_px_(capture_ ? std::max(options.min_row_px, options.capture_slant_px + 8)
                         : options.min_row_px),
        axis_(options_, row_px_),
        x_left_(options.width * 0.28),
        x_right_(options.width * 0.72) {}

  std::string render() {
    place();
    std::string body;
    body += lifelines();
    for (const Break& b : axis_.breaks()) body += break_symbol(b);
    body += time_labels();
    for (std::size_t i = 0; i < ladder_.arrows.size(); ++i) body += arrow(i);
    for (std::size_t i = 0; i < ladder_.states.size(); ++i) body += state(i);
    for (std::size_t i = 0; i < ladder_.timers.size(); ++i) body += timer(i);
    for (std::size_t i = 0; i < ladder_.notes.size(); ++i) body += note(i);
    return header() + body + "</svg>\n";
  }

 private:
  double lifeline_x(Side s) const { return s == Side::left ? x_left_ : x_right_; }

  // Claims every item's row, then fixes the scale from the typical transit.
  void place() {
    std::vector<double> transits;
    for (const Arrow& a : ladder_.arrows) {
      send_rank_.push_back(axis_.claim(a.sent, send_slot(a.from)));
      if (a.arrival && !capture_) {
        arrive_rank_.push_back(axis_.claim(*a.arrival, arrive_slot(other(a.from))));
        if (*a.arrival > a.sent) transits.push_back(to_seconds(*a.arrival - a.sent));
      } else {
        arrive_rank_.push_back(0);
      }
    }
    for (const StateMark& m : ladder_.states)
      state_rank_.push_back(axis_.claim(m.time, mark_slot(m.side)));
    for (const TimerMark& m : ladder_.timers)
      timer_rank_.push_back(axis_.claim(m.time, mark_slot(m.side)));
    for (const Note& n : ladder_.notes) {
      note_rank_.push_back(axis_.claim(n.time, n.side ? mark_slot(*n.side) : Slot::centre));
    }
    double px_per_second = 1;
    if (const double transit = median(transits); transit > 0) {
      px_per_second = options_.transit_px / transit;
    } else {
      std::vector<double> gaps = axis_.gaps_seconds();
      std::erase_if(gaps, [](double g) { return g <= 0; });
      if (const double gap = median(gaps); gap > 0) px_per_second = 1.5 * row_px_ / gap;
    }
    axis_.layout(px_per_second);
    compute_arrows();
  }

  void compute_arrows() {
    for (std::size_t i = 0; i < ladder_.arrows.size(); ++i) {
      const Arrow& a = ladder_.arrows[i];
      ArrowGeometry g{};
      g.x1 = lifeline_x(a.from);
      g.y1 = axis_.y(a.sent, send_rank_[i]);
      const double full_x = lifeline_x(other(a.from));
      const double slant = capture_ ? options_.capture_slant_px : options_.transit_px;
      if (!a.arrival) {
        // A lost segment stops halfway, where a cross marks its end.
        g.lost = true;
        g.x2 = (g.x1 + full_x) / 2;
        g.y2 = g.y1 + slant / 2;
      } else {
        g.x2 = full_x;
        g.y2 = capture_ ? g.y1 + slant : axis_.y(*a.arrival, arrive_rank_[i]);
      }
      max_y_ = std::max({max_y_, g.y1, g.y2});
      arrows_.push_back(g);
    }
    for (std::size_t i = 0; i < ladder_.states.size(); ++i)
      max_y_ = std::max(max_y_, axis_.y(ladder_.states[i].time, state_rank_[i]));
    for (std::size_t i = 0; i < ladder_.timers.size(); ++i)
      max_y_ = std::max(max_y_, axis_.y(ladder_.timers[i].time, timer_rank_[i]));
    for (std::size_t i = 0; i < ladder_.notes.size(); ++i)
      max_y_ = std::max(max_y_, axis_.y(ladder_.notes[i].time, note_rank_[i]));
  }

  double height() const { return max_y_ + kBottom; }

  std::string header() const {
    std::string s = fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1:.0f}\" "
        "viewBox=\"0 0 {0} {1:.0f}\" font-family=\"DejaVu Sans Mono, monospace\" "
        "font-size=\"11\">\n",
        options_.width, height());
    s +=
        "<title>" + xml_escape(ladder_.title.empty() ? "TCP ladder" : ladder_.title) + "</title>\n";
    s += "<defs>\n"
         "<marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
         "markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#1a3d7c\"/>"
         "</marker>\n"
         "<marker id=\"head-rexmit\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
         "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" "
         "fill=\"#d35400\"/></marker>\n"
         "</defs>\n";
    s += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{:.0f}\" fill=\"#ffffff\"/>\n",
                     options_.width, height());
    if (!ladder_.title.empty()) {
      s += fmt::format(
          "<text x=\"{:.1f}\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" "
          "font-weight=\"bold\">{}</text>\n",
          options_.width / 2.0, xml_escape(ladder_.title));
    }
    for (Side side : {Side::left, Side::right}) {
      s += fmt::format(
          "<text class=\"lifeline-name\" x=\"{:.1f}\" y=\"42\" text-anchor=\"middle\" "
          "font-size=\"12\" font-weight=\"bold\">{}</text>\n",
          lifeline_x(side),
          xml_escape(side == Side::left ? ladder_.left_name : ladder_.right_name));
    }
    return s;
  }

  std::string lifelines() const {
    std::string s;
    for (Side side : {Side::left, Side::right}) {
      s += fmt::format(
          "<line x1=\"{0:.1f}\" y1=\"50\" x2=\"{0:.1f}\" y2=\"{1:.1f}\" stroke=\"#444444\" "
          "stroke-width=\"2\"/>\n",
          lifeline_x(side), height() - 10);
    }
    return s;
  }

  // Each lifeline is cut by a white band with two slanted strokes, and the length of the
  // skipped idle time is written in the time column.
  std::string break_symbol(const Break& b) const {
    const double mid = (b.y_from + b.y_to) / 2;
    std::string s = "<g class=\"time-break\">\n";
    for (Side side : {Side::left, Side::right}) {
      const double x = lifeline_x(side);
      s += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"16\" height=\"10\" fill=\"#ffffff\"/>\n", x - 8,
          mid - 5);
      for (double dy : {-5.0, 3.0}) {
        s += fmt::format(
            "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#444444\" "
            "stroke-width=\"1.5\"/>\n",
            x - 9, mid + dy + 3, x + 9, mid + dy - 1);
      }
    }
    // In the time column, where no arrow or label can cover it.
    s += fmt::format(
        "<text x=\"6\" y=\"{:.1f}\" fill=\"#666666\" font-size=\"10\" "
        "font-style=\"italic\">\u2248 {}</text>\n</g>\n",
        mid + 4, xml_escape(seconds_text(b.gap)));
    return s;
  }

  std::string time_labels() const {
    std::vector<Instant> times;
    for (const Arrow& a : ladder_.arrows) times.push_back(a.sent);
    for (const StateMark& m : ladder_.states) times.push_back(m.time);
    for (const TimerMark& m : ladder_.timers) times.push_back(m.time);
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    std::string s;
    for (Instant t : times) {
      std::string text = format_time(t);
      text.erase(0, text.find_first_not_of(' '));
      s += fmt::format(
          "<text class=\"time\" x=\"6\" y=\"{:.1f}\" fill=\"#888888\" font-size=\"10\">{}</text>\n",
          axis_.y(t) + 4, xml_escape(text));
    }
    return s;
  }

  std::string arrow(std::size_t i) const {
    const Arrow& a = ladder_.arrows[i];
    const ArrowGeometry& g = arrows_[i];
    const char* colour = g.lost ? "#c0392b" : a.retransmission ? "#d35400" : "#1a3d7c";
    std::string s = "<g class=\"arrow\">\n";
    s += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" "
        "stroke-width=\"1.5\"{}{}/>\n",
        g.x1, g.y1, g.x2, g.y2, colour, a.retransmission ? " stroke-dasharray=\"6,3\"" : "",
        g.lost             ? ""
        : a.retransmission ? " marker-end=\"url(#head-rexmit)\""
                           : " marker-end=\"url(#head)\"");
    if (g.lost) {
      s += fmt::format(
          "<path class=\"lost\" d=\"M{0:.1f},{1:.1f} L{2:.1f},{3:.1f} M{0:.1f},{3:.1f} "
          "L{2:.1f},{1:.1f}\" stroke=\"#c0392b\" stroke-width=\"2.5\"/>\n",
          g.x2 - 6, g.y2 - 6, g.x2 + 6, g.y2 + 6);
    }
    // The label reads left to right along the arrow, just above it.
    const bool rightward = g.x2 > g.x1;
    const double lx = rightward ? g.x1 : g.x2, ly = rightward ? g.y1 : g.y2;
    const double rx = rightward ? g.x2 : g.x1, ry = rightward ? g.y2 : g.y1;
    const double angle = std::atan2(ry - ly, rx - lx) * 180 / std::numbers::pi;
    const double cx = (g.x1 + g.x2) / 2, cy = (g.y1 + g.y2) / 2;
    std::string label = a.label;
    if (a.retransmission) label += " (rexmit)";
    if (!a.annotation.empty()) label += " (" + a.annotation + ")";
    s += fmt::format(
        "<text class=\"label\" x=\"{0:.1f}\" y=\"{1:.1f}\" text-anchor=\"middle\" fill=\"{2}\" "
        "transform=\"rotate({3:.2f} {0:.1f} {4:.1f})\">{5}</text>\n",
        cx, cy - 4, colour, angle, cy, xml_escape(label));
    return s + "</g>\n";
  }

  // Text beside a lifeline, on its outer side.
  std::string beside(Side side, double y, const std::string& text, const char* attributes) const {
    const double x = side == Side::left ? x_left_ - kMarkGap : x_right_ + kMarkGap;
    return fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\" {}>{}</text>\n", x,
                       y + 4, side == Side::left ? "end" : "start", attributes, xml_escape(text));
  }

  std::string state(std::size_t i) const {
    const StateMark& m = ladder_.states[i];
    const double y = axis_.y(m.time, state_rank_[i]);
    const double x = lifeline_x(m.side);
    return fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"#00695c\"/>\n", x, y) +
           beside(m.side, y, m.state, "class=\"state\" fill=\"#00695c\" font-weight=\"bold\"");
  }

  // A timer is a small diamond on the lifeline with its name beside it.
  std::string timer(std::size_t i) const {
    const TimerMark& m = ladder_.timers[i];
    const double y = axis_.y(m.time, timer_rank_[i]);
    const double x = lifeline_x(m.side);
    return fmt::format(
               "<polygon class=\"timer\" points=\"{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f} "
               "{:.1f},{:.1f}\" fill=\"#8e44ad\"/>\n",
               x, y - 6, x + 6, y, x, y + 6, x - 6, y) +
           beside(m.side, y, m.text, "class=\"timer-text\" fill=\"#8e44ad\"");
  }

  std::string note(std::size_t i) const {
    const Note& n = ladder_.notes[i];
    const double y = axis_.y(n.time, note_rank_[i]);
    if (n.side)
      return beside(*n.side, y, n.text, "class=\"note\" fill=\"#666666\" font-style=\"italic\"");
    return fmt::format(
        "<text class=\"note\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" fill=\"#666666\" "
        "font-style=\"italic\">{}</text>\n",
        (x_left_ + x_right_) / 2, y + 4, xml_escape(n.text));
  }

  const Ladder& ladder_;
  const SvgOptions& options_;
  bool capture_;
  double row_px_;
  TimeAxis axis_;
  double x_left_, x_right_;
  std::vector<int> send_rank_, arrive_rank_, state_rank_, timer_rank_, note_rank_;
  std::vector<ArrowGeometry> arrows_;
  double max_y_ = kTop;
};

}  // namespace

std::string render_svg(const Ladder& ladder, const SvgOptions& options) {
  return SvgDrawing(ladder, options).render();
}

}  // namespace synack::viz
