#include "synack/viz/svg_renderer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
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

std::string seconds_text(Duration d) {
  return fmt::format("{:.3f} s", to_seconds(d));
}

constexpr double kRadiansToDegrees = 180 / std::numbers::pi;

class SvgDrawing {
 public:
  SvgDrawing(const Ladder& ladder, const SvgOptions& options)
      : ladder_(ladder), options_(options), layout_(layout_ladder(ladder, options)) {}

  std::string render() const {
    std::string body;
    body += lifelines();
    for (const TimeBreak& b : layout_.breaks) body += break_symbol(b);
    body += time_labels();
    for (std::size_t i = 0; i < ladder_.arrows.size(); ++i) body += arrow(i);
    for (std::size_t i = 0; i < ladder_.states.size(); ++i) body += state(i);
    for (std::size_t i = 0; i < ladder_.timers.size(); ++i) body += timer(i);
    for (std::size_t i = 0; i < ladder_.notes.size(); ++i) body += note(i);
    return header() + body + "</svg>\n";
  }

 private:
  double lifeline_x(Side s) const { return s == Side::left ? layout_.x_left : layout_.x_right; }

  // data-t (microseconds) lets the explorer page reveal the ladder step by step.
  std::string data(std::string_view kind, std::size_t index, Instant t) const {
    if (!options_.interactive) return {};
    return fmt::format(" data-kind=\"{}\" data-index=\"{}\" data-t=\"{}\"", kind, index,
                       to_micros(t));
  }

  std::string header() const {
    const double width = layout_.width, height = layout_.height;
    std::string s = fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" "
        "viewBox=\"0 0 {0:.0f} {1:.0f}\" font-family=\"DejaVu Sans Mono, monospace\" "
        "font-size=\"{2:.0f}\">\n",
        width, height, kFontPx);
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
    s +=
        fmt::format("<rect x=\"0\" y=\"0\" width=\"{:.0f}\" height=\"{:.0f}\" fill=\"#ffffff\"/>\n",
                    width, height);
    if (!ladder_.title.empty()) {
      s += fmt::format(
          "<text x=\"{:.1f}\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" "
          "font-weight=\"bold\">{}</text>\n",
          width / 2.0, xml_escape(ladder_.title));
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
          lifeline_x(side), layout_.height - 10);
    }
    return s;
  }

  // Each lifeline is cut by a white band with two slanted strokes, and the length of the
  // skipped idle time is written in the time column.
  std::string break_symbol(const TimeBreak& b) const {
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
          layout_.y_of(t) + 4, xml_escape(text));
    }
    return s;
  }

  std::string arrow(std::size_t i) const {
    const Arrow& a = ladder_.arrows[i];
    const ArrowLayout& g = layout_.arrows[i];
    const char* colour = g.lost ? "#c0392b" : a.retransmission ? "#d35400" : "#1a3d7c";
    std::string s = "<g class=\"arrow\"" + data("arrow", i, a.sent);
    if (options_.interactive) {
      if (a.arrival) s += fmt::format(" data-arrival=\"{}\"", to_micros(*a.arrival));
      s += " tabindex=\"0\" role=\"button\" aria-label=\"" + xml_escape(arrow_text(a)) + "\"";
    }
    s += ">\n";
    if (options_.interactive) {
      // A wide transparent stroke makes the arrow easy to point at.
      s += fmt::format(
          "<line class=\"hit\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" "
          "stroke=\"transparent\" stroke-width=\"12\"/>\n",
          g.line.a.x, g.line.a.y, g.line.b.x, g.line.b.y);
    }
    s += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" "
        "stroke-width=\"1.5\"{}{}/>\n",
        g.line.a.x, g.line.a.y, g.line.b.x, g.line.b.y, colour,
        a.retransmission ? " stroke-dasharray=\"6,3\"" : "",
        g.lost             ? ""
        : a.retransmission ? " marker-end=\"url(#head-rexmit)\""
                           : " marker-end=\"url(#head)\"");
    if (g.lost) {
      const Point& e = g.line.b;
      s += fmt::format(
          "<path class=\"lost\" d=\"M{0:.1f},{1:.1f} L{2:.1f},{3:.1f} M{0:.1f},{3:.1f} "
          "L{2:.1f},{1:.1f}\" stroke=\"#c0392b\" stroke-width=\"2.5\"/>\n",
          e.x - 6, e.y - 6, e.x + 6, e.y + 6);
    }
    // One <text> per line, each rotated about its own anchor to run along the arrow.
    const double c = std::cos(g.label_angle), sn = std::sin(g.label_angle);
    const double degrees = g.label_angle * kRadiansToDegrees;
    for (std::size_t k = 0; k < g.label_lines.size(); ++k) {
      const double v = g.label_v_top + 10 + kLinePx * static_cast<double>(k);
      const double x = g.label_origin.x + g.label_u * c - v * sn;
      const double y = g.label_origin.y + g.label_u * sn + v * c;
      s += fmt::format(
          "<text class=\"label\" x=\"{0:.1f}\" y=\"{1:.1f}\" text-anchor=\"middle\" fill=\"{2}\" "
          "transform=\"rotate({3:.2f} {0:.1f} {1:.1f})\">{4}</text>\n",
          x, y, colour, degrees, xml_escape(g.label_lines[k]));
    }
    return s + "</g>\n";
  }

  std::string text_at(const MarkLayout& m, const std::string& text, const char* attributes) const {
    return fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\" {}>{}</text>\n",
                       m.anchor.x, m.anchor.y, m.text_anchor, attributes, xml_escape(text));
  }

  std::string state(std::size_t i) const {
    const StateMark& m = ladder_.states[i];
    const MarkLayout& l = layout_.states[i];
    const double y = l.anchor.y - 4;
    const double x = lifeline_x(m.side);
    return fmt::format("<g{}><circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"#00695c\"/>\n",
                       data("state", i, m.time), x, y) +
           text_at(l, m.state, "class=\"state\" fill=\"#00695c\" font-weight=\"bold\"") + "</g>\n";
  }

  // A timer is a small diamond on the lifeline with its name beside it.
  std::string timer(std::size_t i) const {
    const TimerMark& m = ladder_.timers[i];
    const MarkLayout& l = layout_.timers[i];
    const double y = l.anchor.y - 4;
    const double x = lifeline_x(m.side);
    return fmt::format(
               "<g{}><polygon class=\"timer\" points=\"{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f} "
               "{:.1f},{:.1f}\" fill=\"#8e44ad\"/>\n",
               data("timer", i, m.time), x, y - 6, x + 6, y, x, y + 6, x - 6, y) +
           text_at(l, m.text, "class=\"timer-text\" fill=\"#8e44ad\"") + "</g>\n";
  }

  std::string note(std::size_t i) const {
    const Note& n = ladder_.notes[i];
    return "<g" + data("note", i, n.time) + ">" +
           text_at(layout_.notes[i], n.text,
                   "class=\"note\" fill=\"#666666\" font-style=\"italic\"") +
           "</g>\n";
  }

  const Ladder& ladder_;
  const SvgOptions& options_;
  LadderLayout layout_;
};

}  // namespace

std::string render_svg(const Ladder& ladder, const SvgOptions& options) {
  return SvgDrawing(ladder, options).render();
}

}  // namespace synack::viz
