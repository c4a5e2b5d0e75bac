#include "synack/viz/ladder_layout.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

namespace synack::viz {

std::string arrow_text(const Arrow& arrow) {
  std::string text = arrow.label;
  if (arrow.retransmission) text += " (rexmit)";
  if (!arrow.annotation.empty()) text += " (" + arrow.annotation + ")";
  return text;
}

double LadderLayout::y_of(Instant t) const {
  auto it = std::lower_bound(time_rows.begin(), time_rows.end(), t,
                             [](const auto& row, Instant value) { return row.first < value; });
  return it == time_rows.end() ? height : it->second;
}

namespace {

constexpr double kTop = 70;         // First instant's y: below the title and the names.
constexpr double kBottom = 40;      // Space under the last item.
constexpr double kMarkGap = 8;      // Between a lifeline and the text written beside it.
constexpr double kTimeColumn = 64;  // The time column on the left ("60.310s").
constexpr double kLabelGap = 3;     // Between an arrow and its label.
constexpr double kEndMargin = 10;   // Between a label and the lifelines or a lost arrow's cross.
constexpr double kCross = 6;        // Half the size of a lost arrow's cross.
constexpr int kMaxLabelLines = 2;
// Each label that fits nowhere earns its instant more room; this bounds the retries.
constexpr int kMaxRelayouts = 80;

double text_width(std::string_view text) {
  // Monospace; count UTF-8 code points, not bytes.
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return static_cast<double>(n) * kCharPx;
}

// The pieces a label may be wrapped between: its main text, "[options]", "(rexmit)", "(why)".
std::vector<std::string> label_pieces(const std::string& text) {
  std::vector<std::string> pieces;
  std::size_t start = 0;
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    if (text[i] == ' ' && (text[i + 1] == '[' || text[i + 1] == '(')) {
      pieces.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  pieces.push_back(text.substr(start));
  return pieces;
}

std::vector<std::string> wrap(const std::vector<std::string>& pieces, double available) {
  std::vector<std::string> lines;
  for (const std::string& piece : pieces) {
    if (!lines.empty() && text_width(lines.back() + " " + piece) <= available) {
      lines.back() += " " + piece;
    } else {
      lines.push_back(piece);
    }
  }
  return lines;
}

double widest(const std::vector<std::string>& lines) {
  double w = 0;
  for (const std::string& l : lines) w = std::max(w, text_width(l));
  return w;
}

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

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Maps instants to y: linear within activity, at least one row between neighbouring instants,
// long idle gaps cut down to a fixed-size break, and extra room where labels asked for it.
class TimeAxis {
 public:
  TimeAxis(const SvgOptions& options, double row_px) : options_(options), row_px_(row_px) {}

  int claim(Instant t, Slot slot) {
    const int rank = taken_[{t, slot}]++;
    rows_[t] = std::max(rows_[t], rank + 1);
    return rank;
  }

  // More space around instant t: its own rows further apart, and a gap before it and after it.
  void make_room(Instant t) {
    extra_before_[t] += row_px_ / 2;
    row_scale_.try_emplace(t, 1.0).first->second += 0.25;
    if (auto next = rows_.upper_bound(t); next != rows_.end())
      extra_before_[next->first] += row_px_;
  }

  void layout(double px_per_second) {
    y_.clear();
    breaks_.clear();
    double y = kTop;
    std::optional<Instant> previous;
    for (const auto& [t, rows] : rows_) {
      if (previous) {
        const double from = y_[*previous] + (rows_[*previous] - 1) * row_height(*previous);
        const double gap_px = to_seconds(t - *previous) * px_per_second;
        if (gap_px > options_.max_gap_px) {
          breaks_.push_back(TimeBreak{from, from + options_.break_px, t - *previous});
          y = from + options_.break_px;
        } else {
          y = from + std::max(row_px_, gap_px);
        }
      }
      y += extra(t);
      y_[t] = y;
      previous = t;
    }
  }

  double y(Instant t, int rank = 0) const {
    auto it = y_.find(t);
    return (it == y_.end() ? kTop : it->second) + rank * row_height(t);
  }
  const std::vector<TimeBreak>& breaks() const { return breaks_; }
  std::vector<std::pair<Instant, double>> rows() const { return {y_.begin(), y_.end()}; }
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
  double row_height(Instant t) const {
    auto it = row_scale_.find(t);
    return row_px_ * (it == row_scale_.end() ? 1.0 : it->second);
  }
  double extra(Instant t) const {
    auto it = extra_before_.find(t);
    return it == extra_before_.end() ? 0 : it->second;
  }

  const SvgOptions& options_;
  double row_px_;
  std::map<std::pair<Instant, Slot>, int> taken_;
  std::map<Instant, int> rows_;
  std::map<Instant, double> y_;
  std::map<Instant, double> extra_before_;
  std::map<Instant, double> row_scale_;
  std::vector<TimeBreak> breaks_;
};

struct Ranks {
  std::vector<int> send, arrive, state, timer, note;
};

class Layouter {
 public:
  Layouter(const Ladder& ladder, const SvgOptions& options)
      : ladder_(ladder),
        options_(options),
        capture_(ladder.capture_times_only),
        row_px_(capture_ ? std::max(options.min_row_px, options.capture_slant_px + 8)
                         : options.min_row_px),
        axis_(options_, row_px_) {}

  LadderLayout run() {
    claim_rows();
    const double px_per_second = scale();
    choose_columns();
    LadderLayout out;
    for (int attempt = 0;; ++attempt) {
      axis_.layout(px_per_second);
      out = place();
      if (failed_.empty() || attempt == kMaxRelayouts) break;
      for (Instant t : failed_) axis_.make_room(t);
    }
    return out;
  }

 private:
  void claim_rows() {
    for (const Arrow& a : ladder_.arrows) {
      ranks_.send.push_back(axis_.claim(a.sent, send_slot(a.from)));
      if (a.arrival && !capture_) {
        ranks_.arrive.push_back(axis_.claim(*a.arrival, arrive_slot(other(a.from))));
      } else {
        ranks_.arrive.push_back(0);
      }
    }
    for (const StateMark& m : ladder_.states)
      ranks_.state.push_back(axis_.claim(m.time, mark_slot(m.side)));
    for (const TimerMark& m : ladder_.timers)
      ranks_.timer.push_back(axis_.claim(m.time, mark_slot(m.side)));
    for (const Note& n : ladder_.notes)
      ranks_.note.push_back(axis_.claim(n.time, n.side ? mark_slot(*n.side) : Slot::centre));
  }

  // Pixels per virtual second, from the typical transit.
  double scale() const {
    std::vector<double> transits;
    for (const Arrow& a : ladder_.arrows) {
      if (a.arrival && !capture_ && *a.arrival > a.sent)
        transits.push_back(to_seconds(*a.arrival - a.sent));
    }
    if (const double transit = median(transits); transit > 0) return options_.transit_px / transit;
    std::vector<double> gaps = axis_.gaps_seconds();
    std::erase_if(gaps, [](double g) { return g <= 0; });
    if (const double gap = median(gaps); gap > 0) return 1.5 * row_px_ / gap;
    return 1;
  }

  // Lifeline positions: room outside them for the text written beside them, and between them
  // for the widest unbreakable piece of any label (a lost arrow has at most 80% of the way).
  void choose_columns() {
    double beside[2] = {0, 0};
    auto note_width = [&](Side s, const std::string& text) {
      double& w = beside[s == Side::left ? 0 : 1];
      w = std::max(w, text_width(text));
    };
    for (const StateMark& m : ladder_.states) note_width(m.side, m.state);
    for (const TimerMark& m : ladder_.timers) note_width(m.side, m.text);
    for (const Note& n : ladder_.notes) {
      if (n.side) note_width(*n.side, n.text);
    }
    double between = 0;
    for (const Arrow& a : ladder_.arrows) {
      const double piece = widest(label_pieces(arrow_text(a))) + 2 * kEndMargin;
      between = std::max(between, a.arrival ? piece : (piece + 2 * kCross) / 0.8);
    }
    for (const Note& n : ladder_.notes) {
      if (!n.side) between = std::max(between, text_width(n.text) + 2 * kEndMargin);
    }
    const double w = options_.width;
    x_left_ = std::max(0.28 * w, kTimeColumn + beside[0] + 2 * kMarkGap);
    const double gap = std::max(0.44 * w, between);
    x_right_ = x_left_ + gap;
    width_ = std::max(w, x_right_ + beside[1] + 2 * kMarkGap);
  }

  double lifeline_x(Side s) const { return s == Side::left ? x_left_ : x_right_; }

  LadderLayout place() {
    LadderLayout out;
    out.x_left = x_left_;
    out.x_right = x_right_;
    out.width = width_;
    out.breaks = axis_.breaks();
    out.time_rows = axis_.rows();
    failed_.clear();
    place_marks(out);
    for (std::size_t i = 0; i < ladder_.arrows.size(); ++i) out.arrows.push_back(arrow_line(i));
    for (std::size_t i = 0; i < ladder_.arrows.size(); ++i) place_label(out, i);
    double bottom = kTop;
    for (const ArrowLayout& a : out.arrows) {
      bottom = std::max({bottom, a.line.a.y, a.line.b.y});
      for (const Point& p : a.label_box.corners) bottom = std::max(bottom, p.y);
    }
    for (const auto* marks : {&out.states, &out.timers, &out.notes}) {
      for (const MarkLayout& m : *marks) bottom = std::max(bottom, m.box.corners[2].y);
    }
    out.height = std::ceil(bottom + kBottom);
    return out;
  }

  MarkLayout beside(std::optional<Side> side, double y, const std::string& text) const {
    MarkLayout m;
    const double w = text_width(text);
    if (!side) {
      const double x = (x_left_ + x_right_) / 2;
      m.anchor = Point{x, y + 4};
      m.text_anchor = "middle";
      m.box = Quad::box(x - w / 2, y - 6, x + w / 2, y + 7);
    } else if (*side == Side::left) {
      const double x = x_left_ - kMarkGap;
      m.anchor = Point{x, y + 4};
      m.text_anchor = "end";
      m.box = Quad::box(x - w, y - 6, x, y + 7);
    } else {
      const double x = x_right_ + kMarkGap;
      m.anchor = Point{x, y + 4};
      m.text_anchor = "start";
      m.box = Quad::box(x, y - 6, x + w, y + 7);
    }
    return m;
  }

  void place_marks(LadderLayout& out) const {
    for (std::size_t i = 0; i < ladder_.states.size(); ++i) {
      const StateMark& m = ladder_.states[i];
      out.states.push_back(beside(m.side, axis_.y(m.time, ranks_.state[i]), m.state));
    }
    for (std::size_t i = 0; i < ladder_.timers.size(); ++i) {
      const TimerMark& m = ladder_.timers[i];
      out.timers.push_back(beside(m.side, axis_.y(m.time, ranks_.timer[i]), m.text));
    }
    for (std::size_t i = 0; i < ladder_.notes.size(); ++i) {
      const Note& n = ladder_.notes[i];
      out.notes.push_back(beside(n.side, axis_.y(n.time, ranks_.note[i]), n.text));
    }
  }

  // The smallest share of the way (at least half) in which a lost arrow's label fits on at
  // most two lines.
  double lost_fraction(const Arrow& a, double full) const {
    const auto pieces = label_pieces(arrow_text(a));
    for (double f : {0.5, 0.6, 0.7, 0.8}) {
      const double room = f * full - 2 * kEndMargin - 2 * kCross;
      const auto lines = wrap(pieces, room);
      if (static_cast<int>(lines.size()) <= kMaxLabelLines && widest(lines) <= room) return f;
    }
    return 0.8;
  }

  ArrowLayout arrow_line(std::size_t i) const {
    const Arrow& a = ladder_.arrows[i];
    ArrowLayout g;
    const double x1 = lifeline_x(a.from);
    const double y1 = axis_.y(a.sent, ranks_.send[i]);
    const double full_x = lifeline_x(other(a.from));
    const double slant = capture_ ? options_.capture_slant_px : options_.transit_px;
    if (!a.arrival) {
      g.lost = true;
      const double f = lost_fraction(a, std::abs(full_x - x1));
      g.line = Segment{{x1, y1}, {x1 + f * (full_x - x1), y1 + f * slant}};
      const Point& end = g.line.b;
      g.cross_box = Quad::box(end.x - kCross, end.y - kCross, end.x + kCross, end.y + kCross);
    } else {
      const double y2 = capture_ ? y1 + slant : axis_.y(*a.arrival, ranks_.arrive[i]);
      g.line = Segment{{x1, y1}, {full_x, y2}};
    }
    return g;
  }

  // One way of writing a label: its lines and their frame (see ArrowLayout).
  struct Candidate {
    Point origin;
    double angle = 0;
    double u = 0;
    double v_top = 0;
    std::vector<std::string> lines;
    Quad box;
  };

  int conflicts(const LadderLayout& out, std::size_t i, const Quad& box) const {
    int n = 0;
    for (std::size_t j = 0; j < out.arrows.size(); ++j) {
      const ArrowLayout& other_arrow = out.arrows[j];
      n += crosses(box, other_arrow.line);
      if (other_arrow.lost) n += overlaps(box, other_arrow.cross_box);
      if (j < i) n += overlaps(box, out.arrows[j].label_box);
    }
    for (const auto* marks : {&out.states, &out.timers, &out.notes}) {
      for (const MarkLayout& m : *marks) n += overlaps(box, m.box);
    }
    // Between the lifelines, where the marks beside them cannot be.
    for (const Point& p : box.corners) n += p.x <= x_left_ || p.x >= x_right_;
    return n;
  }

  // Along the arrow, above it then below, at several places: first wrapped to the arrow's length,
  // then one piece per line (to fit between arrows that cross it).
  static void along(std::vector<Candidate>& out, const Point& left, double angle, double u_low,
                    double u_high, const std::vector<std::string>& pieces) {
    for (const double room : {u_high - u_low, 0.0}) {
      const std::vector<std::string> lines = wrap(pieces, room);
      const double w = widest(lines);
      const double h = static_cast<double>(lines.size()) * kLinePx;
      const double free = std::max(0.0, u_high - u_low - w);
      for (const double v_top : {-(kLabelGap + h), kLabelGap}) {
        for (const double f : {0.5, 0.25, 0.75, 0.0, 1.0, 0.375, 0.625, 0.125, 0.875}) {
          const double u = u_low + w / 2 + f * free;
          out.push_back(
              Candidate{left, angle, u, v_top, lines,
                        Quad::in_frame(left, angle, u - w / 2, u + w / 2, v_top, v_top + h)});
        }
      }
    }
  }

  // Level text beside a point of the arrow: for steep arrows (a segment held back for seconds),
  // whose slanted label would cut through every arrow sent meanwhile.
  static void level(std::vector<Candidate>& out, const ArrowLayout& g,
                    const std::vector<std::string>& pieces) {
    for (const double room : {1e9, 0.0}) {
      const std::vector<std::string> lines = wrap(pieces, room);
      const double w = widest(lines);
      const double h = static_cast<double>(lines.size()) * kLinePx;
      for (int step = 1; step < 20; ++step) {
        const double f = step / 20.0;
        const Point p{g.line.a.x + f * (g.line.b.x - g.line.a.x),
                      g.line.a.y + f * (g.line.b.y - g.line.a.y)};
        for (const double left_x : {p.x + kEndMargin, p.x - kEndMargin - w}) {
          for (const double top : {p.y - kLabelGap - h, p.y + kLabelGap}) {
            const Point origin{left_x, top};
            out.push_back(
                Candidate{origin, 0, w / 2, 0, lines, Quad::box(left_x, top, left_x + w, top + h)});
          }
        }
      }
    }
  }

  void place_label(LadderLayout& out, std::size_t i) {
    const Arrow& a = ladder_.arrows[i];
    ArrowLayout& g = out.arrows[i];
    // The label reads left to right along the arrow, whichever way the arrow points.
    const bool rightward = g.line.b.x > g.line.a.x;
    const Point left = rightward ? g.line.a : g.line.b;
    const Point right = rightward ? g.line.b : g.line.a;
    const double length = std::hypot(right.x - left.x, right.y - left.y);
    const double angle = std::atan2(right.y - left.y, right.x - left.x);
    // Room along the arrow: clear of the lifelines and of a lost arrow's cross.
    const double u_low = kEndMargin + (g.lost && !rightward ? 2 * kCross : 0);
    const double u_high = length - kEndMargin - (g.lost && rightward ? 2 * kCross : 0);
    const auto pieces = label_pieces(arrow_text(a));
    std::vector<Candidate> candidates;
    along(candidates, left, angle, u_low, u_high, pieces);
    level(candidates, g, pieces);
    const Candidate* best = nullptr;
    int best_conflicts = 0;
    for (const Candidate& c : candidates) {
      const int n = conflicts(out, i, c.box);
      if (best == nullptr || n < best_conflicts) {
        best = &c;
        best_conflicts = n;
      }
      if (n == 0) break;
    }
    g.label_lines = best->lines;
    g.label_origin = best->origin;
    g.label_angle = best->angle;
    g.label_u = best->u;
    g.label_v_top = best->v_top;
    g.label_box = best->box;
    if (best_conflicts > 0) {
      ++out.unplaced_labels;
      failed_.push_back(a.sent);
    }
  }

  const Ladder& ladder_;
  const SvgOptions& options_;
  bool capture_;
  double row_px_;
  TimeAxis axis_;
  Ranks ranks_;
  double x_left_ = 0;
  double x_right_ = 0;
  double width_ = 0;
  std::vector<Instant> failed_;
};

}  // namespace

LadderLayout layout_ladder(const Ladder& ladder, const SvgOptions& options) {
  return Layouter(ladder, options).run();
}

}  // namespace synack::viz
