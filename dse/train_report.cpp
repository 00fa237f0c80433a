#include "dse/train_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace qasim::dse {

using workloads::train::EpochRecord;

std::string curve_csv(const std::vector<EpochRecord>& curve) {
  std::string out =
      "epoch,train_loss,train_accuracy,test_accuracy_fake_quant,lr,seconds,images_per_second\n";
  for (const EpochRecord& r : curve)
    out += fmt::format("{},{:.6f},{:.4f},{:.4f},{:.6g},{:.3f},{:.1f}\n", r.epoch, r.train_loss,
                       r.train_accuracy, r.test_accuracy, r.lr, r.seconds, r.images_per_second);
  return out;
}

namespace {

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}

struct Series {
  std::string name, color;
  std::vector<double> values;
};

// One panel: x = epoch 1..n, y from lo to hi, a polyline with dots per series.
std::string panel(double x0, double y0, double w, double h, const std::string& ylabel, double lo,
                  double hi, const std::vector<Series>& series, size_t epochs) {
  std::string s = fmt::format(
      "<rect x='{}' y='{}' width='{}' height='{}' fill='none' stroke='#888'/>\n"
      "<text x='{}' y='{}' font-size='12' transform='rotate(-90 {} {})' "
      "text-anchor='middle'>{}</text>\n",
      x0, y0, w, h, x0 - 38, y0 + h / 2, x0 - 38, y0 + h / 2, escape(ylabel));
  if (hi <= lo) hi = lo + 1;
  auto px = [&](size_t e) {
    return epochs <= 1 ? x0 + w / 2 : x0 + w * static_cast<double>(e) / (epochs - 1);
  };
  auto py = [&](double v) { return y0 + h - h * (v - lo) / (hi - lo); };
  for (int t = 0; t <= 4; ++t) {
    const double v = lo + (hi - lo) * t / 4;
    s += fmt::format(
        "<line x1='{}' y1='{:.1f}' x2='{}' y2='{:.1f}' stroke='#eee'/>"
        "<text x='{}' y='{:.1f}' font-size='10' text-anchor='end'>{:.3g}</text>\n",
        x0, py(v), x0 + w, py(v), x0 - 4, py(v) + 3, v);
  }
  for (size_t e = 0; e < epochs; ++e)
    s += fmt::format("<text x='{:.1f}' y='{}' font-size='10' text-anchor='middle'>{}</text>\n",
                     px(e), y0 + h + 14, e + 1);
  double legend_y = y0 + 14;
  for (const Series& ser : series) {
    std::string points;
    for (size_t e = 0; e < ser.values.size(); ++e) {
      points += fmt::format("{:.1f},{:.1f} ", px(e), py(ser.values[e]));
      s += fmt::format("<circle cx='{:.1f}' cy='{:.1f}' r='2.5' fill='{}'/>\n", px(e),
                       py(ser.values[e]), ser.color);
    }
    s += fmt::format("<polyline points='{}' fill='none' stroke='{}' stroke-width='2'/>\n", points,
                     ser.color);
    s += fmt::format("<text x='{}' y='{}' font-size='11' fill='{}'>{}</text>\n", x0 + 8, legend_y,
                     ser.color, escape(ser.name));
    legend_y += 14;
  }
  return s;
}

}  // namespace

std::string curve_svg(const std::vector<EpochRecord>& curve, const std::string& title) {
  const double width = 720, height = 520;
  Series loss{"train loss", "#c0392b", {}}, train{"train accuracy", "#2980b9", {}},
      test{"test accuracy (fake-quant)", "#27ae60", {}};
  for (const EpochRecord& r : curve) {
    loss.values.push_back(r.train_loss);
    train.values.push_back(r.train_accuracy);
    test.values.push_back(r.test_accuracy);
  }
  double loss_hi = 0, acc_lo = 100;
  for (double v : loss.values) loss_hi = std::max(loss_hi, v);
  for (const Series* s : {&train, &test})
    for (double v : s->values) acc_lo = std::min(acc_lo, v);
  acc_lo = std::max(0.0, std::floor(acc_lo / 10) * 10);
  std::string svg = fmt::format(
      "<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}' "
      "font-family='sans-serif'>\n<rect width='100%' height='100%' fill='white'/>\n"
      "<text x='{}' y='22' font-size='15' text-anchor='middle'>{}</text>\n",
      width, height, width / 2, escape(title));
  svg += panel(70, 40, 620, 190, "loss", 0, loss_hi * 1.05, {loss}, curve.size());
  svg += panel(70, 280, 620, 190, "accuracy %", acc_lo, 100, {train, test}, curve.size());
  svg += fmt::format("<text x='{}' y='{}' font-size='12' text-anchor='middle'>epoch</text>\n",
                     width / 2, height - 12);
  svg += "</svg>\n";
  return svg;
}

}  // namespace qasim::dse
